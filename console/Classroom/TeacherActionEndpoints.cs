using System.Globalization;
using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Antiforgery;

namespace ClassroomGuard.Console.Classroom;

/// <summary>What a teacher's button asks for.</summary>
internal enum ClassroomCommand
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

/// <summary>
/// The teacher's classroom actions: <c>POST /classroom/blank</c>, <c>/unblank</c>, <c>/pause</c>, <c>/resume</c>
/// (Classroom policy; antiforgery token required). Each start is a teacher action in the state (who, when, scope,
/// expiry; released early by whom and when), which the agent hub (blank) and the DNS filter (pause) act on.
/// <para>Form: <c>roomId</c> alone acts on the whole room; <c>deviceId</c> (with the page's <c>roomId</c>, which it
/// must be in) on one device; <c>minutes</c> 1–720, default 60 ("end of the lesson"); <c>returnUrl</c> (local).</para>
/// <para>A page posts the form and is redirected back (Post/Redirect/Get); the page's script posts the same form with
/// <c>Accept: application/json</c> and gets <c>{ ok, message }</c> instead. Refusals are 400 with the reason.</para>
/// </summary>
internal static class TeacherActionEndpoints
{
    /// <summary>Default length of a blank or pause: a lesson.</summary>
    public const int DefaultMinutes = 60;

    /// <summary>Longest blank or pause (the state's limit, TeacherActionRepository.MaxDuration).</summary>
    public const int MaxMinutes = 720;

    /// <summary>The path of a command's form post.</summary>
    public static string PathOf(ClassroomCommand command) => "/classroom/" + command.ToString().ToLowerInvariant();

    public static IEndpointRouteBuilder MapTeacherActionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var command in Enum.GetValues<ClassroomCommand>())
        {
            endpoints.MapPost(PathOf(command), (HttpContext context, IAntiforgery antiforgery, StateStore store, RoomFeeds feeds, AgentPushTrigger agents, SchoolClock clock, ILogger<RoomFeeds> logger)
                    => HandleAsync(command, context, antiforgery, store, feeds, agents, clock, logger))
                .RequireAuthorization(Policies.Classroom)
                .DisableAntiforgery(); // validated in the handler, so a refusal can say why
        }

        return endpoints;
    }

    private static async Task<IResult> HandleAsync(
        ClassroomCommand command, HttpContext context, IAntiforgery antiforgery, StateStore store, RoomFeeds feeds, AgentPushTrigger agents, SchoolClock clock, ILogger logger)
    {
        var user = ConsoleUser.From(context.User)!;
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            return Refuse(context, logger, user, command, "The form has expired. Reload the page and try again.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var ct = context.RequestAborted;
        var deviceText = form["deviceId"].ToString();
        var roomText = form["roomId"].ToString();
        long? deviceId = long.TryParse(deviceText, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        long? roomId = long.TryParse(roomText, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        if ((deviceText.Length > 0 && deviceId is null) || (roomText.Length > 0 && roomId is null) || (deviceId is null && roomId is null))
        {
            return Refuse(context, logger, user, command, "Say which device or room (deviceId, roomId).");
        }

        Room? room = null;
        if (roomId is { } rid && (room = (await store.Sites.ListRoomsAsync(null, ct)).FirstOrDefault(x => x.Id == rid)) is null)
        {
            return Refuse(context, logger, user, command, $"There is no room {rid}.");
        }

        Device? device = null;
        if (deviceId is { } did)
        {
            device = await store.Devices.GetAsync(did, ct);
            if (device is null)
            {
                return Refuse(context, logger, user, command, $"There is no device {did}.");
            }

            if (room is not null && device.RoomId != room.Id)
            {
                return Refuse(context, logger, user, command, $"{RoomSnapshotReader.NameOf(device)} is not in {room.Name}.");
            }
        }

        var minutes = DefaultMinutes;
        var minutesText = form["minutes"].ToString();
        if (command is ClassroomCommand.Blank or ClassroomCommand.Pause && minutesText.Length > 0
            && (!int.TryParse(minutesText, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > MaxMinutes))
        {
            return Refuse(context, logger, user, command, $"The length must be between 1 and {MaxMinutes} minutes (12 hours).");
        }

        var scope = device is null ? ActionScope.Room : ActionScope.Device;
        var kind = command is ClassroomCommand.Blank or ClassroomCommand.Unblank ? TeacherActionKind.Blank : TeacherActionKind.Pause;
        var target = device is not null ? RoomSnapshotReader.NameOf(device) : room!.Name;
        string message;
        if (command is ClassroomCommand.Blank or ClassroomCommand.Pause)
        {
            var until = clock.Now.AddMinutes(minutes);
            await store.TeacherActions.StartAsync(
                new NewTeacherAction(kind, user.Id, $"{command} from the classroom view", scope, device?.Id, device is null ? room!.Id : null, until), ct);
            message = $"{target}: {(kind == TeacherActionKind.Blank ? "screen blanked" : "internet paused")} until {clock.Time(until)}.";
        }
        else
        {
            message = await ReleaseAsync(store, clock, user.Id, kind, scope, device, room, target, ct);
        }

        Log.TeacherAction(logger, user.UserName, command.ToString().ToLowerInvariant(), scope.ToString(), device?.Id ?? room!.Id);
        if (kind == TeacherActionKind.Blank)
        {
            agents.Wake(); // reach the agents now rather than on the next revision poll
        }

        feeds.Poke(device?.RoomId ?? room!.Id);
        if (WantsJson(context))
        {
            return Results.Json(new ActionOutcome(true, message));
        }

        var back = form["returnUrl"].ToString();
        var roomOf = room?.Id ?? device!.RoomId;
        return Results.Redirect(back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) && !back.StartsWith("/\\", StringComparison.Ordinal)
            ? back
            : roomOf is { } home ? "/rooms/" + home.ToString(CultureInfo.InvariantCulture) : "/rooms");
    }

    /// <summary>
    /// Ends the actions of that kind and scope: for a device, its own; for a room, the room's and those of every device
    /// in it ("unblank all" means all). Says so when a room-wide action still covers a device.
    /// </summary>
    private static async Task<string> ReleaseAsync(
        StateStore store, SchoolClock clock, long userId, TeacherActionKind kind, ActionScope scope, Device? device, Room? room, string target, CancellationToken ct)
    {
        var roomOf = device?.RoomId ?? room?.Id;
        var active = (await store.TeacherActions.ActiveAtAsync(clock.Now, roomOf, ct)).Where(a => a.Kind == kind).ToList();
        if (roomOf is null && device is not null)
        {
            active = (await store.TeacherActions.ActiveAtAsync(clock.Now, null, ct)).Where(a => a.Kind == kind && a.DeviceId == device.Id).ToList();
        }

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

    private static IResult Refuse(HttpContext context, ILogger logger, ConsoleUser user, ClassroomCommand command, string reason)
    {
        Log.TeacherActionRefused(logger, user.UserName, command.ToString().ToLowerInvariant(), reason);
        return WantsJson(context)
            ? Results.Json(new ActionOutcome(false, reason), statusCode: StatusCodes.Status400BadRequest)
            : new StatusPageResult(StatusCodes.Status400BadRequest, "Not done", reason);
    }

    private static bool WantsJson(HttpContext context)
        => context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The answer to the page's script.</summary>
    /// <param name="Ok">Whether it was done.</param>
    /// <param name="Message">What was done, or why not.</param>
    internal sealed record ActionOutcome(bool Ok, string Message);

    /// <summary>A refusal as a small readable page (for a browser posting without the script).</summary>
    private sealed class StatusPageResult(int status, string title, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => StatusPages.WriteAsync(httpContext, status, title, message);
    }
}
