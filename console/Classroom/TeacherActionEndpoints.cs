using System.Globalization;
using ClassroomGuard.Console.Security;
using Microsoft.AspNetCore.Antiforgery;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// The teacher's classroom actions as form posts, for scripts and tools (the room page's buttons call
/// <see cref="ClassroomActions"/> directly over their circuit): <c>POST /classroom/blank</c>, <c>/unblank</c>,
/// <c>/pause</c>, <c>/resume</c> (Classroom policy; antiforgery token required). The service checks the user's right
/// to the room.
/// <para>Form: <c>roomId</c> alone acts on the whole room; <c>deviceId</c> on one device, which must be in the
/// <c>roomId</c> when one is given; <c>minutes</c> 1–720, default 60 ("end of the lesson"); <c>returnUrl</c> (local).</para>
/// <para>A browser posting the form is redirected back (Post/Redirect/Get); a client sending <c>Accept:
/// application/json</c> gets <c>{ ok, message }</c> instead. Refusals are 400 with the reason.</para>
/// </summary>
internal static class TeacherActionEndpoints
{
    /// <summary>The path of a command's form post.</summary>
    public static string PathOf(ClassroomCommand command) => "/classroom/" + command.ToString().ToLowerInvariant();

    public static IEndpointRouteBuilder MapTeacherActionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var command in Enum.GetValues<ClassroomCommand>())
        {
            endpoints.MapPost(PathOf(command), (HttpContext context, IAntiforgery antiforgery, ClassroomActions actions, ILogger<ClassroomActions> logger)
                    => HandleAsync(command, context, antiforgery, actions, logger))
                .RequireAuthorization(Policies.Classroom)
                .DisableAntiforgery(); // validated in the handler, so a refusal can say why
        }

        return endpoints;
    }

    private static async Task<IResult> HandleAsync(ClassroomCommand command, HttpContext context, IAntiforgery antiforgery, ClassroomActions actions, ILogger logger)
    {
        var user = ConsoleUser.From(context.User);
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            Log.TeacherActionRefused(logger, user?.UserName ?? "?", command.ToString().ToLowerInvariant(), "expired form");
            return Answer(context, new ClassroomOutcome(false, "The form has expired. Reload the page and try again."), null);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var deviceText = form["deviceId"].ToString();
        var roomText = form["roomId"].ToString();
        var minutesText = form["minutes"].ToString();
        long? deviceId = long.TryParse(deviceText, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        long? roomId = long.TryParse(roomText, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        int? minutes = null;
        if ((deviceText.Length > 0 && deviceId is null) || (roomText.Length > 0 && roomId is null))
        {
            (deviceId, roomId) = (null, null); // the service says "say which device or room"
        }

        if (minutesText.Length > 0)
        {
            // Not a number: out of range, so the service refuses it with the allowed range.
            minutes = int.TryParse(minutesText, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        }

        var outcome = await actions.RunAsync(user, new ClassroomRequest(command, roomId, deviceId, minutes), context.RequestAborted);
        return Answer(context, outcome, form["returnUrl"].ToString());
    }

    private static IResult Answer(HttpContext context, ClassroomOutcome outcome, string? returnUrl)
    {
        if (context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Json(new ActionOutcome(outcome.Ok, outcome.Message), statusCode: outcome.Ok ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        }

        if (!outcome.Ok)
        {
            return new StatusPageResult(StatusCodes.Status400BadRequest, "Not done", outcome.Message);
        }

        var home = outcome.RoomId is { } room ? "/rooms/" + room.ToString(CultureInfo.InvariantCulture) : "/rooms";
        return Results.Redirect(LocalUrls.OrElse(returnUrl ?? "", home));
    }

    /// <summary>The JSON answer.</summary>
    /// <param name="Ok">Whether it was done.</param>
    /// <param name="Message">What was done, or why not.</param>
    internal sealed record ActionOutcome(bool Ok, string Message);

    /// <summary>A refusal as a small readable page (for a browser posting the form).</summary>
    private sealed class StatusPageResult(int status, string title, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => StatusPages.WriteAsync(httpContext, status, title, message);
    }
}
