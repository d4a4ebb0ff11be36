using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>A teacher and the rooms assigned to them.</summary>
/// <param name="UserId">User id (never shown).</param>
/// <param name="Name">Display name.</param>
/// <param name="UserName">Sign-in name.</param>
/// <param name="Disabled">The account is disabled.</param>
/// <param name="AlsoSeesEveryRoom">They also hold a role that sees every room (so assignments change nothing for them).</param>
/// <param name="Rooms">Their rooms, by name.</param>
public sealed record TeacherRow(long UserId, string Name, string UserName, bool Disabled, bool AlsoSeesEveryRoom, IReadOnlyList<RoomChoice> Rooms);

/// <summary>One page of the teachers' list.</summary>
/// <param name="Teachers">The teachers on this page, by name.</param>
/// <param name="Total">Teachers matching the search in all.</param>
/// <param name="Rooms">Every room, for the assignment dialog.</param>
public sealed record TeacherRoomsPage(IReadOnlyList<TeacherRow> Teachers, int Total, IReadOnlyList<RoomChoice> Rooms);

/// <summary>
/// The teachers' rooms page's service: who teaches where. Technicians and administrators assign rooms to teachers
/// (several each); each change is checked here again and written to the admin audit (<c>teacher.room.assign</c>,
/// <c>teacher.room.unassign</c>).
/// </summary>
internal sealed class TeacherRoomsAdmin(StateStore store, ILogger<TeacherRoomsAdmin> logger)
{
    /// <summary>Audit key: a room assigned to a teacher.</summary>
    public const string AssignKey = "teacher.room.assign";

    /// <summary>Audit key: a room taken from a teacher.</summary>
    public const string UnassignKey = "teacher.room.unassign";

    /// <summary>Teachers whose name or user name contains <paramref name="search"/>, a page at a time.</summary>
    public async Task<TeacherRoomsPage?> PageAsync(ConsoleUser? actor, string? search, int skip, int take, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return null;
        }

        var rooms = await RoomChoicesAsync(cancellationToken);
        var byId = rooms.ToDictionary(r => r.Id);
        var assignments = (await store.TeacherRooms.ListAsync(cancellationToken)).ToLookup(a => a.UserId, a => a.RoomId);
        var term = search?.Trim() ?? string.Empty;
        var teachers = (await store.Users.ListAsync(cancellationToken))
            .Where(u => u.IsIn(Role.Teacher))
            .Where(u => term.Length == 0 || u.DisplayName.Contains(term, StringComparison.OrdinalIgnoreCase) || u.UserName.Contains(term, StringComparison.OrdinalIgnoreCase))
            .OrderBy(u => u.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var page = teachers.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(u => new TeacherRow(
                u.Id, u.DisplayName, u.UserName, u.Disabled, RoomAccessRoles(u),
                assignments[u.Id].Where(byId.ContainsKey).Select(id => byId[id]).OrderBy(r => r.Label, StringComparer.CurrentCultureIgnoreCase).ToList()))
            .ToList();
        return new TeacherRoomsPage(page, teachers.Count, rooms);
    }

    public async Task<AdminResult> AssignAsync(ConsoleUser? actor, long userId, long roomId, CancellationToken cancellationToken)
    {
        var (teacher, room, refusal) = await CheckAsync(actor, userId, roomId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return await store.TeacherRooms.AssignAsync(userId, roomId, cancellationToken) switch
        {
            TeacherRoomOutcome.Assigned => await AuditAsync(actor!, AssignKey, teacher!, room!, $"{teacher!.DisplayName} now has {room!.Label}.", cancellationToken),
            TeacherRoomOutcome.AlreadyAssigned => AdminResult.Done($"{teacher!.DisplayName} already had {room!.Label}."),
            TeacherRoomOutcome.NoSuchRoom => AdminResult.Refused("That room no longer exists."),
            _ => AdminResult.Refused("That teacher no longer exists."),
        };
    }

    public async Task<AdminResult> UnassignAsync(ConsoleUser? actor, long userId, long roomId, CancellationToken cancellationToken)
    {
        var (teacher, room, refusal) = await CheckAsync(actor, userId, roomId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return await store.TeacherRooms.UnassignAsync(userId, roomId, cancellationToken)
            ? await AuditAsync(actor!, UnassignKey, teacher!, room!, $"{teacher!.DisplayName} no longer has {room!.Label}.", cancellationToken)
            : AdminResult.Done($"{teacher!.DisplayName} did not have {room!.Label}.");
    }

    private static bool RoomAccessRoles(UserAccount user) => Classroom.RoomAccess.EveryRoomRoles.Any(user.IsIn);

    private async Task<(UserAccount? Teacher, RoomChoice? Room, AdminResult? Refusal)> CheckAsync(ConsoleUser? actor, long userId, long roomId, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return (null, null, AdminResult.Refused("Only a technician or administrator can assign rooms."));
        }

        var teacher = await store.Users.GetAsync(userId, cancellationToken);
        if (teacher is null || !teacher.IsIn(Role.Teacher))
        {
            return (null, null, AdminResult.Refused("Rooms are assigned to teachers: give the account the Teacher role first."));
        }

        var room = (await RoomChoicesAsync(cancellationToken)).FirstOrDefault(r => r.Id == roomId);
        return room is null ? (null, null, AdminResult.Refused("That room no longer exists.")) : (teacher, room, null);
    }

    private async Task<IReadOnlyList<RoomChoice>> RoomChoicesAsync(CancellationToken cancellationToken)
    {
        var sites = (await store.Sites.ListSitesAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name);
        return (await store.Sites.ListRoomsAsync(null, cancellationToken))
            .Select(r => new RoomChoice(r.Id, sites.Count > 1 && sites.TryGetValue(r.SiteId, out var site) ? $"{r.Name} ({site})" : r.Name))
            .OrderBy(r => r.Label, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    private async Task<AdminResult> AuditAsync(ConsoleUser actor, string key, UserAccount teacher, RoomChoice room, string message, CancellationToken cancellationToken)
    {
        await store.AdminAudit.RecordAsync(actor.Id, key, $"user '{teacher.UserName}'", $"room '{room.Label}'", cancellationToken);
        Log.AdminAction(logger, actor.UserName, key, $"user '{teacher.UserName}'");
        return AdminResult.Done(message);
    }
}
