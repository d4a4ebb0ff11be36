using System.Globalization;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>A saved list as a choice in the panel.</summary>
/// <param name="Id">List id (never shown).</param>
/// <param name="Name">Name.</param>
/// <param name="Sites">"bbc.co.uk, nasa.gov and 2 more".</param>
public sealed record FocusChoice(long Id, string Name, string Sites);

/// <summary>A device of the room as a choice in the panel.</summary>
/// <param name="Id">Device id (never shown).</param>
/// <param name="Name">Pupil and computer, or the computer's name.</param>
public sealed record FocusDevice(long Id, string Name);

/// <summary>A focus in force in the room.</summary>
/// <param name="ActionId">The teacher action (never shown).</param>
/// <param name="Target">"The whole room" or the device's name.</param>
/// <param name="Sites">The sites that stay reachable.</param>
/// <param name="Until">"until 10:45" (school time).</param>
/// <param name="Ends">When it ends by itself (the panel stops showing it then without asking the store again).</param>
public sealed record ActiveFocus(long ActionId, string Target, IReadOnlyList<string> Sites, string Until, DateTimeOffset Ends);

/// <summary>What the lesson focus panel shows for a room.</summary>
/// <param name="RoomName">The room.</param>
/// <param name="Lists">Saved lists, by name.</param>
/// <param name="Devices">The room's devices, by name.</param>
/// <param name="Active">Focuses in force now.</param>
/// <param name="MinutesToEndOfDay">Length of "rest of the day".</param>
/// <param name="LessonMinutes">Length of "a lesson": <c>Classroom:LessonLength</c>, as the unblock dialog's "for this lesson".</param>
public sealed record LessonFocusView(string RoomName, IReadOnlyList<FocusChoice> Lists, IReadOnlyList<FocusDevice> Devices, IReadOnlyList<ActiveFocus> Active, int MinutesToEndOfDay, int LessonMinutes)
{
    /// <summary>The lengths on offer: 15 and 30 minutes, a lesson (the default) and the rest of the day, each once, shortest first.</summary>
    public IReadOnlyList<(int Minutes, string Label)> Lengths
        => new[] { (15, "15 minutes"), (30, "30 minutes"), (MinutesToEndOfDay, "Rest of the day"), (LessonMinutes, LessonFocus.LessonLabel(LessonMinutes)) }
            .Where(l => l.Item1 >= 1)
            .GroupBy(l => l.Item1).Select(g => g.Last()) // a length offered twice shows once, the lesson winning
            .OrderBy(l => l.Item1)
            .ToList();
}

/// <summary>What a focus request did, in words for the teacher.</summary>
/// <param name="Ok">Whether it was done.</param>
/// <param name="Message">What happened, or why not.</param>
public sealed record FocusResult(bool Ok, string Message);

/// <summary>
/// Lesson focus: for the lesson only the chosen sites (a saved list or a few typed ones, plus the always-allowed
/// essentials of <c>Dns:Policy:PauseAllowList</c>) resolve for the room or one device. It is a focus teacher action in
/// the state, which the DNS filter enforces within about a second and which ends by itself; the teacher can end it
/// early. Every call checks <see cref="RoomAccess"/> for the room (and that the device is in it).
/// A new focus on the same room or device replaces the one in force (the filter would otherwise allow both lists).
/// </summary>
internal sealed class LessonFocus(StateStore store, RoomAccess access, SchoolClock clock, IOptions<ClassroomOptions> classroom, ILogger<LessonFocus> logger)
{
    /// <summary>"50 minutes (lesson)": the lesson choice, as long as <c>Classroom:LessonLength</c>.</summary>
    public static string LessonLabel(int minutes) => string.Create(CultureInfo.InvariantCulture, $"{minutes} minutes (lesson)");

    /// <summary>Longest focus: the state's limit on a teacher action (12 hours).</summary>
    public static readonly int MaxMinutes = (int)TeacherActionRepository.MaxDuration.TotalMinutes;

    /// <summary>The panel's data, or null when <paramref name="user"/> may not use the room.</summary>
    public async Task<LessonFocusView?> ViewAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
    {
        var room = await RoomAsync(user, roomId, cancellationToken);
        if (room is null)
        {
            return null;
        }

        var devices = (await store.Devices.ListAsync(roomId, cancellationToken)).ToDictionary(d => d.Id);
        var active = (await store.TeacherActions.ActiveAtAsync(clock.Now, roomId, cancellationToken))
            .Where(a => a.Kind == TeacherActionKind.Focus)
            .Select(a => new ActiveFocus(
                a.Id,
                a.Scope == ActionScope.Room ? "The whole room" : a.DeviceId is { } d && devices.TryGetValue(d, out var device) ? NameOf(device) : "A device",
                a.Domains,
                "until " + clock.Time(a.ExpiresAt),
                a.ExpiresAt))
            .OrderBy(f => f.Target == "The whole room" ? 0 : 1).ThenBy(f => f.Target, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        var lists = (await store.FocusLists.ListAsync(cancellationToken)).Select(l => new FocusChoice(l.Id, l.Name, FocusSites.Describe(l.Domains))).ToList();
        var choices = devices.Values.Select(d => new FocusDevice(d.Id, NameOf(d))).OrderBy(d => d.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
        return new LessonFocusView(room.Name, lists, choices, active, clock.MinutesToEndOfDay(), classroom.Value.LessonMinutes);
    }

    /// <summary>
    /// Starts a focus on the room (<paramref name="deviceId"/> null) or one of its devices, on a saved list or on
    /// <paramref name="sites"/> typed by the teacher, for <paramref name="minutes"/>.
    /// </summary>
    public async Task<FocusResult> StartAsync(ConsoleUser? user, long roomId, long? deviceId, long? listId, string? sites, int minutes, CancellationToken cancellationToken)
    {
        var room = await RoomAsync(user, roomId, cancellationToken);
        if (room is null)
        {
            return Refuse(user, roomId, "room not allowed", "You can only focus the rooms you teach in.");
        }

        Device? device = null;
        if (deviceId is { } id && ((device = await store.Devices.GetAsync(id, cancellationToken)) is null || device.RoomId != roomId))
        {
            return Refuse(user, roomId, "device not in room", $"That device is not in {room.Name} any more.");
        }

        if (minutes < 1 || minutes > MaxMinutes)
        {
            return Refuse(user, roomId, "bad length", "Choose how long the focus lasts (at most 12 hours).");
        }

        IReadOnlyList<string> domains;
        string reason;
        if (listId is { } saved)
        {
            var list = await store.FocusLists.GetAsync(saved, cancellationToken);
            if (list is null)
            {
                return Refuse(user, roomId, "no such list", "That list was deleted: choose another or type the sites.");
            }

            (domains, reason) = (list.Domains, "Lesson focus: " + list.Name);
        }
        else
        {
            var (typed, problem) = FocusSites.Parse(sites);
            if (problem is not null)
            {
                return Refuse(user, roomId, "bad sites", problem);
            }

            (domains, reason) = (typed, "Lesson focus on sites typed by the teacher");
        }

        var scope = device is null ? ActionScope.Room : ActionScope.Device;
        await EndMatchingAsync(user!, roomId, a => a.Scope == scope && (device is null || a.DeviceId == device.Id), cancellationToken);
        var until = clock.Now.AddMinutes(minutes);
        await store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Focus, user!.Id, reason, scope, device?.Id, device is null ? roomId : null, until, domains), cancellationToken);
        Log.FocusStarted(logger, user.UserName, scope.ToString(), device?.Id ?? roomId, minutes, domains.Count);
        var target = device is null ? room.Name : NameOf(device);
        return new FocusResult(true, $"{target}: only {FocusSites.Describe(domains)} until {clock.Time(until)}.");
    }

    /// <summary>Ends one focus in force in the room now.</summary>
    public async Task<FocusResult> EndAsync(ConsoleUser? user, long roomId, long actionId, CancellationToken cancellationToken)
    {
        var room = await RoomAsync(user, roomId, cancellationToken);
        if (room is null)
        {
            return Refuse(user, roomId, "room not allowed", "You can only end focus in the rooms you teach in.");
        }

        var ended = await EndMatchingAsync(user!, roomId, a => a.Id == actionId, cancellationToken);
        return ended == 0
            ? new FocusResult(true, "That focus had already ended.")
            : new FocusResult(true, $"Focus ended in {room.Name}: the usual filtering applies again.");
    }

    /// <summary>A device's name for the teacher: the pupil's name and the computer, or what is known.</summary>
    public static string NameOf(Device device)
        => (device.DisplayName, device.Hostname) switch
        {
            ({ } pupil, { } host) => $"{pupil} ({host})",
            ({ } pupil, null) => pupil,
            (null, { } host) => host,
            _ => device.Ips.FirstOrDefault() is { } ip ? "Device at " + ip : "Unnamed device",
        };

    private async Task<Room?> RoomAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
        => await access.CanTeachInRoomAsync(user, roomId, cancellationToken)
            ? (await store.Sites.ListRoomsAsync(null, cancellationToken)).FirstOrDefault(r => r.Id == roomId)
            : null;

    // Only focus actions of this room (room-scoped to it, or on a device in it): never another room's.
    private async Task<int> EndMatchingAsync(ConsoleUser user, long roomId, Func<TeacherAction, bool> which, CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var action in await store.TeacherActions.ActiveAtAsync(clock.Now, roomId, cancellationToken))
        {
            if (action.Kind == TeacherActionKind.Focus && which(action) && await store.TeacherActions.ReleaseAsync(action.Id, user.Id, cancellationToken))
            {
                Log.FocusEnded(logger, user.UserName, action.Id);
                ended++;
            }
        }

        return ended;
    }

    private FocusResult Refuse(ConsoleUser? user, long roomId, string logReason, string message)
    {
        if (logReason == "room not allowed")
        {
            Log.RoomRefused(logger, user?.UserName ?? "?", roomId, "lesson focus");
        }
        else
        {
            Log.FocusRefused(logger, user?.UserName ?? "?", logReason);
        }

        return new FocusResult(false, message);
    }

    /// <summary>"15 minutes" … "rest of the day" for the length picker.</summary>
    public static string Length(int minutes, int minutesToEndOfDay)
        => minutes == minutesToEndOfDay ? "Rest of the day" : string.Create(CultureInfo.InvariantCulture, $"{minutes} minutes");
}
