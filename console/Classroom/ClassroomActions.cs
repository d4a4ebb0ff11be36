using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>What a teacher's button asks for.</summary>
public enum ClassroomCommand
{
    /// <summary>Blank the screen(s): the agent covers them.</summary>
    Blank,

    /// <summary>End the blank(s) of that scope.</summary>
    Unblank,

    /// <summary>Pause the internet: the DNS filter blocks all but <c>Dns:Policy:PauseAllowList</c>.</summary>
    Pause,

    /// <summary>End the pause(s) of that scope.</summary>
    Resume,
}

/// <summary>A teacher's action as asked: a room alone acts on the whole room; a device on that device only.</summary>
/// <param name="Command">What to do.</param>
/// <param name="RoomId">The room (the page always gives its own); with a device, the device must be in it.</param>
/// <param name="DeviceId">One device, or null for the whole room.</param>
/// <param name="Minutes">Length of a blank or pause (1–<see cref="ClassroomActions.MaxMinutes"/>); null means a lesson (<see cref="ClassroomOptions.LessonLength"/>).</param>
internal sealed record ClassroomRequest(ClassroomCommand Command, long? RoomId, long? DeviceId, int? Minutes = null);

/// <summary>What came of an action, in words for the teacher.</summary>
/// <param name="Ok">Whether it was done.</param>
/// <param name="Message">What was done, or why not.</param>
/// <param name="RoomId">The room it touched, when known (its feed is poked so the tiles show it at once).</param>
internal sealed record ClassroomOutcome(bool Ok, string Message, long? RoomId = null);

/// <summary>
/// The teacher's classroom actions (blank, unblank, pause, resume; one device or the whole room), used by the room
/// page's buttons and by the form posts (<see cref="TeacherActionEndpoints"/>) alike. Every action checks, on the
/// server, that the user may use the room (<see cref="RoomAccess"/>) before it touches anything. Each start is a
/// teacher action in the state (who, when, scope, expiry; released early by whom and when), which the agent hub
/// (blank) and the DNS filter (pause) act on.
/// </summary>
internal sealed class ClassroomActions(StateStore store, RoomAccess access, RoomFeeds feeds, AgentPushTrigger agents, SchoolClock clock, IOptions<ClassroomOptions> classroom, ILogger<ClassroomActions> logger)
{
    /// <summary>Longest blank or pause (the state's limit, TeacherActionRepository.MaxDuration).</summary>
    public const int MaxMinutes = 720;

    /// <summary>The refusal for a device that does not exist or is in a room the user may not use (the same words for both).</summary>
    public const string NoSuchDevice = "That device is not in your rooms or is no longer in the inventory. Reload the room to see its devices now.";

    /// <summary>Said when the user may not use the room, or it does not exist (the two are not told apart).</summary>
    public const string NotYourRoom = "You cannot use that room: it is not one of your rooms, or it no longer exists. A technician can assign rooms to you.";

    /// <summary>Does the action if <paramref name="user"/> may, and says what happened.</summary>
    public async Task<ClassroomOutcome> RunAsync(ConsoleUser? user, ClassroomRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verb = request.Command.ToString().ToLowerInvariant();
        if (user is null)
        {
            return new ClassroomOutcome(false, "Your session has ended. Sign in again.");
        }

        if (request.DeviceId is null && request.RoomId is null)
        {
            return Refuse(user, verb, "no device or room", "Say which device or room (deviceId, roomId).");
        }

        if (request.Command is ClassroomCommand.Blank or ClassroomCommand.Pause && request.Minutes is < 1 or > MaxMinutes)
        {
            return Refuse(user, verb, "bad length", $"The length must be between 1 and {MaxMinutes} minutes (12 hours).");
        }

        Room? room = null;
        if (request.RoomId is { } roomId)
        {
            if (!await access.CanUseRoomAsync(user, roomId, cancellationToken) || (room = await store.Sites.GetRoomAsync(roomId, cancellationToken)) is null)
            {
                return Refuse(user, verb, "room not allowed", NotYourRoom);
            }
        }

        Device? device = null;
        if (request.DeviceId is { } deviceId)
        {
            // A device that does not exist and one in a room the user may not use get the same answer, naming
            // nothing: a teacher must learn no pupil's or device's name from outside their rooms, nor which ids exist.
            device = await store.Devices.GetAsync(deviceId, cancellationToken);
            if (device is null || device.RoomId is not { } deviceRoomId || !await access.CanUseRoomAsync(user, deviceRoomId, cancellationToken))
            {
                return Refuse(user, verb, "device unknown or not allowed", NoSuchDevice, room?.Id);
            }

            if (room is not null && device.RoomId != room.Id)
            {
                // Both rooms are the user's: naming the device tells them nothing new.
                return Refuse(user, verb, "device not in the room", $"{RoomSnapshotReader.NameOf(device)} is not in {room.Name}.", room.Id);
            }

            if (room is null)
            {
                // A device alone: the user must be allowed its room (a device in no room is in nobody's classroom).
                if (device.RoomId is not { } deviceRoom || !await access.CanUseRoomAsync(user, deviceRoom, cancellationToken)
                    || (room = await store.Sites.GetRoomAsync(deviceRoom, cancellationToken)) is null)
                {
                    return Refuse(user, verb, "device's room not allowed", NotYourRoom);
                }
            }
        }

        var scope = device is null ? ActionScope.Room : ActionScope.Device;
        var kind = request.Command is ClassroomCommand.Blank or ClassroomCommand.Unblank ? TeacherActionKind.Blank : TeacherActionKind.Pause;
        var target = device is not null ? RoomSnapshotReader.NameOf(device) : room!.Name;
        string message;
        if (request.Command is ClassroomCommand.Blank or ClassroomCommand.Pause)
        {
            var until = clock.Now.AddMinutes(request.Minutes ?? classroom.Value.LessonMinutes);
            await store.TeacherActions.StartAsync(
                new NewTeacherAction(kind, user.Id, $"{request.Command} from the classroom view", scope, device?.Id, device is null ? room!.Id : null, until), cancellationToken);
            message = $"{target}: {(kind == TeacherActionKind.Blank ? "screen blanked" : "internet paused")} until {clock.Time(until)}.";
        }
        else
        {
            message = await ReleaseAsync(user.Id, kind, scope, device, room!, target, cancellationToken);
        }

        Log.TeacherAction(logger, user.UserName, verb, scope.ToString(), device?.Id ?? room!.Id);
        if (kind == TeacherActionKind.Blank)
        {
            agents.Wake(); // reach the agents now rather than on the next revision poll
        }

        feeds.Poke(room!.Id);
        return new ClassroomOutcome(true, message, room.Id);
    }

    /// <summary>
    /// Ends the actions of that kind and scope: for a device, its own; for a room, the room's and those of every device
    /// in it ("unblank all" means all). Says so when a room-wide action still covers a device.
    /// </summary>
    private async Task<string> ReleaseAsync(long userId, TeacherActionKind kind, ActionScope scope, Device? device, Room room, string target, CancellationToken ct)
    {
        var active = (await store.TeacherActions.ActiveAtAsync(clock.Now, room.Id, ct)).Where(a => a.Kind == kind).ToList();
        var released = 0;
        foreach (var action in active)
        {
            if ((scope == ActionScope.Room || action.DeviceId == device!.Id) && await store.TeacherActions.ReleaseAsync(action.Id, userId, ct))
            {
                released++;
            }
        }

        var what = kind == TeacherActionKind.Blank ? "blank" : "pause";
        if (scope == ActionScope.Device && active.Any(a => a.Scope == ActionScope.Room))
        {
            return $"{target}: still under the whole room's {what}; use the room's button to end it.";
        }

        return released == 0
            ? $"{target}: no {what} was in force."
            : $"{target}: {(kind == TeacherActionKind.Blank ? "screen unblanked" : "internet resumed")}.";
    }

    // The log gets a fixed reason, not the message: that names devices (host names from the network, pupils' names).
    private ClassroomOutcome Refuse(ConsoleUser user, string verb, string logReason, string reason, long? roomId = null)
    {
        Log.TeacherActionRefused(logger, user.UserName, verb, logReason);
        return new ClassroomOutcome(false, reason, roomId);
    }
}

/// <summary>A tile's button: what to do to which device.</summary>
/// <param name="Command">What.</param>
/// <param name="Tile">The device's tile.</param>
public sealed record TileCommand(ClassroomCommand Command, DeviceTile Tile);
