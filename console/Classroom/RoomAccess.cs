using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// Which rooms a user may see, stream and act on: the one place every page, live feed subscription and classroom
/// action asks (authorization twice: the page's policy, then this for the room it touches).
/// </summary>
internal sealed class RoomAccess(StateStore store)
{
    /// <summary>Whether <paramref name="user"/> may see and act on the room.</summary>
    public async Task<bool> CanUseRoomAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
        => user is not null && Policies.ClassroomRoles.Any(user.Roles.Contains)
            && (await RoomsForAsync(user, cancellationToken)).Any(r => r.Id == roomId);

    /// <summary>The rooms <paramref name="user"/> may see, by site and name.</summary>
    public async Task<IReadOnlyList<Room>> RoomsForAsync(ConsoleUser? user, CancellationToken cancellationToken)
    {
        if (user is null || !Policies.ClassroomRoles.Any(user.Roles.Contains))
        {
            return [];
        }

        return await store.Sites.ListRoomsAsync(null, cancellationToken);
    }
}
