using System.Text;
using ClassroomGuard.Console.Security;
using Microsoft.AspNetCore.Http.Features;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// The live classroom view's data: <c>GET /rooms/{id}/live</c>, a server-sent-event stream of the room's snapshot
/// (one <c>data:</c> line of JSON per interval, a comment as heartbeat when nothing new came for a while), and
/// <c>GET /rooms/{id}/live/state</c>, the same snapshot once as JSON (the page's script asks it after a stream failed,
/// to tell "signed out" (401) from "appliance restarting"). Both need the Classroom policy.
/// </summary>
internal static class LiveEndpoints
{
    /// <summary>A comment line at least this often keeps proxies and the browser from closing a quiet stream.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A stream ends after this long (with a <c>bye</c> event) and the page opens a new one at once: each new request re-checks the session
    /// (a disabled account or a removed role stops the view) and renews the sliding sign-in cookie.
    /// </summary>
    public static readonly TimeSpan StreamLifetime = TimeSpan.FromMinutes(5);

    /// <summary>What the browser waits before reconnecting a closed stream (sent as the SSE <c>retry</c> field).</summary>
    public const int RetryMilliseconds = 2000;

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] MessageEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();
    private static readonly byte[] Bye = "event: bye\ndata: {}\n\n"u8.ToArray();

    /// <summary>The stream's path for a room.</summary>
    public static string StreamPath(long roomId) => $"/rooms/{roomId}/live";

    /// <summary>The one-shot JSON snapshot's path for a room.</summary>
    public static string StatePath(long roomId) => $"/rooms/{roomId}/live/state";

    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/rooms/{roomId:long}/live", StreamAsync).RequireAuthorization(Policies.Classroom);
        endpoints.MapGet("/rooms/{roomId:long}/live/state", StateAsync).RequireAuthorization(Policies.Classroom);
        return endpoints;
    }

    private static async Task<IResult> StateAsync(long roomId, HttpContext context, RoomFeeds feeds)
        => await feeds.CurrentAsync(roomId, context.RequestAborted) is { } message
            ? Results.Bytes(message.Json, "application/json")
            : Results.NotFound();

    private static async Task StreamAsync(long roomId, HttpContext context, RoomFeeds feeds, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        if (await feeds.CurrentAsync(roomId, context.RequestAborted) is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // a buffering reverse proxy would hold the messages back
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        var opened = time.GetTimestamp();
        using var subscription = feeds.Subscribe(roomId);
        try
        {
            await response.Body.WriteAsync(Encoding.ASCII.GetBytes($"retry: {RetryMilliseconds}\n\n"), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (time.GetElapsedTime(opened) >= StreamLifetime)
                {
                    // A planned end: the page's script reopens at once without showing "reconnecting".
                    await response.Body.WriteAsync(Bye, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    return;
                }

                LiveMessage message;
                try
                {
                    message = await subscription.NextAsync(cancellationToken).WaitAsync(Heartbeat, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    await response.Body.WriteAsync(Ping, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                await response.Body.WriteAsync(DataPrefix, cancellationToken);
                await response.Body.WriteAsync(message.Json, cancellationToken);
                await response.Body.WriteAsync(MessageEnd, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the viewer left, the stream reached its lifetime, or the console is stopping: the browser reconnects
        }
    }
}
