using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// Which rooms a user may see, stream and act on: the one place every page, live feed subscription and classroom
/// action asks (authorization twice: the page's policy, then this for the room it touches).
/// <para>A teacher has the rooms a technician assigned them (<see cref="StateStore.TeacherRooms"/>, several each); the
/// safeguarding lead, technicians and administrators have every room; a governor has none. Someone who is a teacher and
/// also holds one of the wider roles has every room. A classroom display has its own room only, and no room list.</para>
/// </summary>
internal sealed class RoomAccess(StateStore store)
{
    /// <summary>Roles that see every room, whatever the assignments say.</summary>
    public static readonly Role[] EveryRoomRoles = [Role.SafeguardingLead, Role.Technician, Role.Administrator];

    /// <summary>Whether <paramref name="user"/> sees every room (not only assigned ones).</summary>
    public static bool SeesEveryRoom(ConsoleUser? user) => user is not null && EveryRoomRoles.Any(user.Roles.Contains);

    /// <summary>Whether <paramref name="user"/> may see and act on the room (false for a room that does not exist).</summary>
    public async Task<bool> CanUseRoomAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
    {
        if (user?.Display is { } display)
        {
            // A classroom display: its own room, while its credential stands (revocation takes effect at the next check).
            return display.RoomId == roomId && await store.KioskCredentials.IsActiveAsync(display.CredentialId, cancellationToken);
        }

        if (user is null || !Policies.ClassroomRoles.Any(user.Roles.Contains))
        {
            return false;
        }

        return SeesEveryRoom(user)
            ? (await store.Sites.ListRoomsAsync(null, cancellationToken)).Any(r => r.Id == roomId)
            : user.Roles.Contains(Role.Teacher) && await store.TeacherRooms.IsAssignedAsync(user.Id, roomId, cancellationToken);
    }

    /// <summary>
    /// Whether a person may plan the room's lesson there (lesson focus, asking for a site to be unblocked): as
    /// <see cref="CanUseRoomAsync"/>, but never a classroom display, which shows the room and blanks, pauses and reports only.
    /// </summary>
    public async Task<bool> CanTeachInRoomAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
        => user is { Display: null } && await CanUseRoomAsync(user, roomId, cancellationToken);

    /// <summary>The rooms <paramref name="user"/> may see, by name.</summary>
    public async Task<IReadOnlyList<Room>> RoomsForAsync(ConsoleUser? user, CancellationToken cancellationToken)
    {
        if (user is null || !Policies.ClassroomRoles.Any(user.Roles.Contains))
        {
            return [];
        }

        if (SeesEveryRoom(user))
        {
            return await store.Sites.ListRoomsAsync(null, cancellationToken);
        }

        return user.Roles.Contains(Role.Teacher) ? await store.TeacherRooms.RoomsOfAsync(user.Id, cancellationToken) : [];
    }

    /// <summary>The device when it is in a room <paramref name="user"/> may use; null otherwise (a device in no room is nobody's classroom).</summary>
    public async Task<Device?> UsableDeviceAsync(ConsoleUser? user, long deviceId, CancellationToken cancellationToken)
        => await store.Devices.GetAsync(deviceId, cancellationToken) is { RoomId: { } roomId } device && await CanUseRoomAsync(user, roomId, cancellationToken)
            ? device
            : null;
}
