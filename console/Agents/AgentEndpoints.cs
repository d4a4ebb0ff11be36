using System.Globalization;
using System.Threading.RateLimiting;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Agent enrolment (<c>POST /api/agents/enrol</c>, anonymous, rate-limited per address), the agent hub, and the
/// teacher's blank/unblank form posts (<c>POST /classroom/blank</c>, <c>/classroom/unblank</c>; Classroom policy,
/// antiforgery).
/// </summary>
internal static class AgentEndpoints
{
    public const string EnrolPath = "/api/agents/enrol";
    public const string HubPath = "/hubs/agent";
    public const string BlankPath = "/classroom/blank";
    public const string UnblankPath = "/classroom/unblank";
    private const string EnrolLimit = "agent-enrol";
    private const int MaxAddresses = 16;

    public static IServiceCollection AddAgentHub(this IServiceCollection services)
    {
        services.AddSignalR(hub =>
        {
            hub.MaximumReceiveMessageSize = 16 * 1024; // heartbeats are small
            hub.EnableDetailedErrors = false;
        });
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(AgentAuthenticationHandler.SchemeName, null);
        services.AddSingleton<AgentBlankState>();
        services.AddHostedService<AgentPushService>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ConsoleOptions>>((limiter, console) =>
            limiter.AddPolicy(EnrolLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = console.Value.AgentEnrolmentsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(EnrolPath, EnrolAsync).AllowAnonymous().RequireRateLimiting(EnrolLimit).DisableAntiforgery();
        endpoints.MapHub<AgentHub>(HubPath).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AgentAuthenticationHandler.SchemeName });
        endpoints.MapPost(BlankPath, (HttpContext context, IAntiforgery antiforgery, StateStore store, TimeProvider time, ILogger<AgentHub> logger)
            => TeacherActionAsync(context, antiforgery, store, time, logger, blank: true)).RequireAuthorization(Policies.Classroom).DisableAntiforgery();
        endpoints.MapPost(UnblankPath, (HttpContext context, IAntiforgery antiforgery, StateStore store, TimeProvider time, ILogger<AgentHub> logger)
            => TeacherActionAsync(context, antiforgery, store, time, logger, blank: false)).RequireAuthorization(Policies.Classroom).DisableAntiforgery();
        return endpoints;
    }

    /// <summary>Records an agent's sighting of its own device; returns the device id, or null when it gave no usable address.</summary>
    public static async Task<long?> ObserveAsync(
        StateStore store, TimeProvider time, string? hostname, string[]? macs, string[]? ips, string? user, string? fallbackIp, CancellationToken cancellationToken)
    {
        // The first MAC identifies the device (agents send them sorted); a further MAC would be taken for another device.
        var mac = macs is { Length: > 0 } ? macs[0] : null;
        var addresses = (ips ?? []).Take(MaxAddresses).ToList();
        if (addresses.Count == 0 && fallbackIp is not null)
        {
            addresses.Add(fallbackIp);
        }

        var now = time.GetUtcNow();
        long? deviceId = null;
        try
        {
            foreach (var ip in addresses.Count == 0 ? [null] : addresses.Cast<string?>())
            {
                deviceId = await store.Devices.ObserveAsync(new DeviceObservation(now, DeviceSource.Agent, mac, ip, Clip(hostname, 253), Clip(user, 100)), cancellationToken);
            }
        }
        catch (ArgumentException)
        {
            return deviceId; // no valid MAC nor IP in what it sent
        }

        return deviceId;
    }

    private static async Task<IResult> EnrolAsync(EnrolmentRequest request, HttpContext context, StateStore store, TimeProvider time, ILogger<AgentHub> logger)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 100 || (request.Macs?.Length ?? 0) > MaxAddresses)
        {
            Log.AgentEnrolmentRefused(logger, address, "malformed request");
            return Results.BadRequest();
        }

        var token = await store.EnrolmentTokens.RedeemAsync(request.Token, context.RequestAborted);
        if (token is null)
        {
            Log.AgentEnrolmentRefused(logger, address, "unknown, expired or revoked token");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var fallback = context.Connection.RemoteIpAddress is { } remote ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString() : null;
        var deviceId = await ObserveAsync(store, time, request.Hostname, request.Macs, request.Ips, request.User, fallback, context.RequestAborted);
        if (deviceId is null)
        {
            Log.AgentEnrolmentRefused(logger, address, "no valid MAC or IP address");
            return Results.BadRequest();
        }

        await store.Devices.SetRoomAsync(deviceId.Value, token.RoomId, context.RequestAborted);
        var credential = (await store.AgentCredentials.IssueAsync(deviceId.Value, token.Id, context.RequestAborted))!;
        Log.AgentEnrolled(logger, deviceId.Value, token.RoomId, credential.Credential.Id);
        return Results.Ok(new EnrolmentAnswer(credential.Credential.Id, credential.Secret, token.RoomId));
    }

    /// <summary>
    /// Blank (form: <c>deviceId</c> or <c>roomId</c>, optional <c>minutes</c>, default 60, at most 720) or unblank
    /// (releases the blank actions of exactly that scope) a device or a room; then back to <c>returnUrl</c> (local) or the room.
    /// </summary>
    private static async Task<IResult> TeacherActionAsync(HttpContext context, IAntiforgery antiforgery, StateStore store, TimeProvider time, ILogger logger, bool blank)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        var user = ConsoleUser.From(context.User)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        long? deviceId = long.TryParse(form["deviceId"], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        long? roomId = long.TryParse(form["roomId"], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        if (deviceId is null == roomId is null)
        {
            return Results.BadRequest();
        }

        var scope = deviceId is null ? ActionScope.Room : ActionScope.Device;
        if (blank)
        {
            var minutes = int.TryParse(form["minutes"], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is > 0 and <= 720 ? m : 60;
            await store.TeacherActions.StartAsync(
                new NewTeacherAction(TeacherActionKind.Blank, user.Id, "Blank from the console", scope, deviceId, roomId, time.GetUtcNow().AddMinutes(minutes)),
                context.RequestAborted);
        }
        else
        {
            foreach (var action in await store.TeacherActions.ActiveAtAsync(time.GetUtcNow(), null, context.RequestAborted))
            {
                if (action.Kind == TeacherActionKind.Blank && action.Scope == scope && action.DeviceId == deviceId && action.RoomId == roomId)
                {
                    await store.TeacherActions.ReleaseAsync(action.Id, user.Id, context.RequestAborted);
                }
            }
        }

        Log.TeacherAction(logger, user.UserName, blank ? "blanked" : "unblanked", scope.ToString(), deviceId ?? roomId!.Value);
        var back = form["returnUrl"].ToString();
        return Results.Redirect(back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) && !back.StartsWith("/\\", StringComparison.Ordinal)
            ? back
            : roomId is { } room ? "/rooms/" + room.ToString(CultureInfo.InvariantCulture) : "/rooms");
    }

    private static string? Clip(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length <= max ? text.Trim() : text.Trim()[..max];
}
