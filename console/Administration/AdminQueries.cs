using System.Globalization;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Administration;

/// <summary>
/// What the administration pages show, read for the signed-in technician or administrator and put in words (no keys,
/// no ids). Every query checks the caller again (the page's policy is the first check). Long lists (devices, audit)
/// are paged by the store; the user list of a school is short and is paged here.
/// </summary>
internal sealed class AdminQueries(StateStore store, IOptions<StateOptions> stateOptions, TimeProvider time)
{
    // The service runs in globalization-invariant mode: the invariant culture's English day and month names serve a UK school.
    // Globalization-invariant service: the invariant culture has the English day and month names a UK school reads.
    private static readonly CultureInfo British = CultureInfo.InvariantCulture;
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);

    /// <summary>The school's time zone.</summary>
    public TimeZoneInfo Zone => zone;

    public async Task<PageOf<UserRow>> UsersAsync(ConsoleUser actor, string? search, PageRequest page, CancellationToken cancellationToken)
    {
        Require(actor);
        ArgumentNullException.ThrowIfNull(page);
        var now = time.GetUtcNow();
        var rows = (await store.Users.ListAsync(cancellationToken))
            .Select(u => new UserRow(u.Id, u.UserName, u.DisplayName, RoleNames.List(u.Roles), State(u, now), u.Disabled))
            .Where(u => string.IsNullOrWhiteSpace(search)
                || u.UserName.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                || u.DisplayName.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                || u.Roles.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
        Func<UserRow, string> key = page.SortBy switch
        {
            nameof(UserRow.UserName) => u => u.UserName,
            nameof(UserRow.Roles) => u => u.Roles,
            nameof(UserRow.State) => u => u.State,
            _ => u => u.DisplayName,
        };
        var sorted = (page.Descending ? rows.OrderByDescending(key, StringComparer.OrdinalIgnoreCase) : rows.OrderBy(key, StringComparer.OrdinalIgnoreCase)).ToList();
        return new PageOf<UserRow>(sorted.Skip(page.Offset).Take(page.Limit).ToList(), sorted.Count);
    }

    public async Task<UserView?> UserAsync(ConsoleUser actor, long userId, CancellationToken cancellationToken)
    {
        Require(actor);
        var user = await store.Users.GetAsync(userId, cancellationToken);
        return user is null
            ? null
            : new UserView(
                user.Id, user.UserName, user.DisplayName, user.Roles.ToHashSet(), State(user, time.GetUtcNow()), user.Disabled, user.Id == actor.Id,
                MayChange: actor.IsAdministrator || !user.IsIn(Role.Administrator),
                MayGrantAdministrator: actor.IsAdministrator);
    }

    public async Task<PageOf<DeviceRow>> DevicesAsync(ConsoleUser actor, DeviceFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        Require(actor);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var sort = page.SortBy switch
        {
            nameof(DeviceRow.LastSeen) => DeviceSort.LastSeen,
            nameof(DeviceRow.Room) => DeviceSort.Room,
            _ => DeviceSort.Name,
        };
        var found = await store.Devices.QueryAsync(
            new DeviceQuery(filter.Search, filter.RoomId, filter.WithoutRoomOnly, sort, page.Descending, page.Offset, Math.Max(1, page.Limit)), cancellationToken);
        var rooms = (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name);
        var groups = (await store.Policy.GetSnapshotAsync(cancellationToken)).Groups.ToDictionary(g => g.Id);
        var pending = await PendingDeviceGroupsAsync(cancellationToken);
        var rows = found.Devices.Select(d => new DeviceRow(
            d.Id,
            AdminActions.DeviceLabel(d),
            d.DisplayName,
            string.Join("  ", d.Macs.Concat(d.Ips)),
            Source(d.Source),
            Recently(d.LastSeen),
            d.RoomId,
            d.RoomId is { } r && rooms.TryGetValue(r, out var room) ? room : "No room",
            d.GroupId is { } g && groups.TryGetValue(g, out var group) ? group.Name : "By its address",
            pending.Contains(d.Id),
            d.GroupId is { } k && groups.TryGetValue(k, out var keyed) ? keyed.Key : string.Empty)).ToList();
        return new PageOf<DeviceRow>(rows, found.Total);
    }

    public async Task<IReadOnlyList<RoomChoice>> RoomChoicesAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        var rooms = await store.Sites.ListRoomsAsync(null, cancellationToken);
        var several = sites.Count > 1;
        return rooms
            .Select(r => new RoomChoice(r.Id, several ? $"{r.Name} ({sites.FirstOrDefault(s => s.Id == r.SiteId)?.Name})" : r.Name))
            .OrderBy(r => r.Label, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<IReadOnlyList<GroupChoice>> GroupChoicesAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        return (await store.Policy.GetSnapshotAsync(cancellationToken)).ActiveGroups.Select(g => new GroupChoice(g.Key, g.Name)).ToList();
    }

    public async Task<IReadOnlyList<PersonChoice>> PeopleAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        return (await store.Users.ListAsync(cancellationToken))
            .Select(u => new PersonChoice(u.Id, $"{u.DisplayName} ({u.UserName})"))
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<PageOf<AuditRow>> AuditAsync(ConsoleUser actor, AuditFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        Require(actor);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var found = await store.AdminAudit.QueryAsync(
            new AuditQuery(filter.ActorId, filter.KindPrefix, StartOf(filter.From), StartOf(filter.To?.AddDays(1)), page.Offset, Math.Max(1, page.Limit), OldestFirst: page.SortBy is not null && !page.Descending),
            cancellationToken);
        var names = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        var rows = found.Entries.Select(e =>
        {
            var who = names.TryGetValue(e.ActorId, out var name) ? name : e.ActorName;
            return new AuditRow(e.Id, When(e.At), who, AuditSentences.Describe(e, who), AuditSentences.KindOf(e.Action));
        }).ToList();
        return new PageOf<AuditRow>(rows, found.Total);
    }

    public async Task<IReadOnlyList<SiteRooms>> RoomsAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        var now = time.GetUtcNow();
        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        var rooms = await store.Sites.ListRoomsAsync(null, cancellationToken);
        var tokens = await store.EnrolmentTokens.ListAsync(null, cancellationToken);
        var result = new List<SiteRooms>(sites.Count);
        foreach (var site in sites)
        {
            var rows = new List<RoomRow>();
            foreach (var room in rooms.Where(r => r.SiteId == site.Id))
            {
                rows.Add(new RoomRow(room.Id, room.Name, await DeviceCountAsync(room.Id, cancellationToken), tokens.Count(t => t.RoomId == room.Id && t.IsUsableAt(now))));
            }

            result.Add(new SiteRooms(site.Id, site.Name, rows));
        }

        return result;
    }

    public async Task<RoomView?> RoomAsync(ConsoleUser actor, long roomId, CancellationToken cancellationToken)
    {
        Require(actor);
        var room = (await store.Sites.ListRoomsAsync(null, cancellationToken)).FirstOrDefault(r => r.Id == roomId);
        if (room is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var site = (await store.Sites.ListSitesAsync(cancellationToken)).FirstOrDefault(s => s.Id == room.SiteId)?.Name ?? string.Empty;
        var tokens = (await store.EnrolmentTokens.ListAsync(roomId, cancellationToken))
            .Select(t => new TokenRow(
                t.Id, t.Hint, When(t.CreatedAt), When(t.ExpiresAt), t.UseCount,
                t.RevokedAt is { } revoked ? $"Revoked {When(revoked)}" : t.ExpiresAt <= now ? "Expired" : "Usable",
                t.IsUsableAt(now)))
            .ToList();
        return new RoomView(room.Id, room.Name, site, await DeviceCountAsync(roomId, cancellationToken), tokens);
    }

    public async Task<IReadOnlyList<PendingRow>> PendingAsync(ConsoleUser actor, CancellationToken cancellationToken)
    {
        Require(actor);
        var pending = await store.ChangeControl.GetPendingAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return [];
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var users = (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        var deviceIds = pending.Select(p => p.Change).OfType<SetDeviceGroupChange>().Select(c => c.DeviceId)
            .Concat(pending.Select(p => p.Change).OfType<TemporaryUnblockChange>().Select(c => c.DeviceId ?? 0)).Distinct();
        var devices = new Dictionary<long, string>();
        foreach (var id in deviceIds)
        {
            if (await store.Devices.GetAsync(id, cancellationToken) is { } device)
            {
                devices[id] = AdminActions.DeviceLabel(device);
            }
        }

        var rooms = (await store.Sites.ListRoomsAsync(null, cancellationToken)).ToDictionary(r => r.Id, r => r.Name);
        var names = new PolicyNames(snapshot, devices, rooms, zone);
        return pending.Select(p => new PendingRow(
            p.ChangeId,
            ChangeSummaries.Describe(p.Change, names),
            p.Reason,
            users.TryGetValue(p.ProposerId, out var name) ? name : p.ProposerName,
            When(p.ProposedAt),
            p.ProposerId == actor.Id)).ToList();
    }

    /// <summary>An instant as the school reads it: "Mon 23 Nov 2026, 09:14".</summary>
    public string When(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy, HH:mm", British);

    /// <summary>A recent instant briefly: "Today 09:14", "Yesterday 15:02", "Fri 20 Nov 11:30", or "3 Mar 2025" for an older year.</summary>
    public string Recently(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date;
        var format = local.Date == today ? "'Today' HH:mm"
            : local.Date == today.AddDays(-1) ? "'Yesterday' HH:mm"
            : local.Year == today.Year ? "ddd d MMM HH:mm"
            : "d MMM yyyy";
        return local.ToString(format, British);
    }

    private static void Require(ConsoleUser actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdministration)
        {
            throw new UnauthorizedAccessException("Only a technician or administrator may read the administration pages.");
        }
    }

    private static string Source(DeviceSource source) => source switch
    {
        DeviceSource.Sniffer => "Seen on the network",
        DeviceSource.Agent => "Reported by its agent",
        _ => "Added by hand",
    };

    private static string State(UserAccount user, DateTimeOffset now)
        => user.Disabled ? "Disabled"
            : user.LockoutEnd > now ? "Locked out after failed sign-ins"
            : user.MustChangePassword ? "Must choose a new password"
            : "Active";

    private DateTimeOffset? StartOf(DateOnly? day)
    {
        if (day is not { } d)
        {
            return null;
        }

        var local = d.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private async Task<int> DeviceCountAsync(long roomId, CancellationToken cancellationToken)
        => (await store.Devices.QueryAsync(new DeviceQuery(RoomId: roomId, Limit: 1), cancellationToken)).Total;

    private async Task<HashSet<long>> PendingDeviceGroupsAsync(CancellationToken cancellationToken)
        => (await store.ChangeControl.GetPendingAsync(cancellationToken)).Select(p => p.Change).OfType<SetDeviceGroupChange>().Select(c => c.DeviceId).ToHashSet();
}
