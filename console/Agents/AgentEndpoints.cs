using System.Threading.RateLimiting;
using ClassroomGuard.AgentContract;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Agent enrolment (<c>POST</c> <see cref="AgentRoutes.Enrol"/>, anonymous, rate-limited per address) and the agent hub. The
/// teacher's blank/unblank posts that the hub carries out are in <see cref="Classroom.TeacherActionEndpoints"/>.
/// </summary>
internal static class AgentEndpoints
{
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
        services.AddSingleton<AgentPushTrigger>();
        services.AddHostedService<AgentPushService>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ConsoleOptions>>((limiter, console) =>
            limiter.AddPolicy(EnrolLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = console.Value.AgentEnrolmentsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AgentRoutes.Enrol, EnrolAsync).AllowAnonymous().RequireRateLimiting(EnrolLimit).DisableAntiforgery();
        endpoints.MapHub<AgentHub>(AgentRoutes.Hub).RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AgentAuthenticationHandler.SchemeName });
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
        var enrolment = await store.AgentCredentials.EnrolAsync(
            Sightings(time, request.Hostname, request.Macs, request.Ips, request.User, fallback), token.RoomId, token.Id, context.RequestAborted);
        switch (enrolment.Outcome)
        {
            case AgentEnrolmentOutcome.NoAddress:
                Log.AgentEnrolmentRefused(logger, address, "no valid MAC or IP address");
                return Results.BadRequest();
            case AgentEnrolmentOutcome.DeviceHasAgent:
                // Never a takeover: anyone with a room token could otherwise claim any device seen on the LAN.
                Log.AgentEnrolmentTakeoverRefused(logger, address, enrolment.DeviceId!.Value);
                return Results.Problem(
                    "This device already has an enrolled agent. A technician must reset its agent (Devices) before it can be enrolled again.",
                    statusCode: StatusCodes.Status409Conflict);
        }

        var credential = enrolment.Credential!;
        Log.AgentEnrolled(logger, enrolment.DeviceId!.Value, token.RoomId, credential.Credential.Id);
        return Results.Ok(new EnrolmentAnswer(credential.Credential.Id, credential.Secret, token.RoomId));
    }

    /// <summary>An agent's sightings of its own device: its first MAC with each address it reported (or the connection's).</summary>
    private static List<DeviceObservation> Sightings(TimeProvider time, string? hostname, string[]? macs, string[]? ips, string? user, string? fallbackIp)
    {
        var mac = macs is { Length: > 0 } ? macs[0] : null;
        var addresses = (ips ?? []).Take(MaxAddresses).ToList();
        if (addresses.Count == 0 && fallbackIp is not null)
        {
            addresses.Add(fallbackIp);
        }

        var now = time.GetUtcNow();
        return (addresses.Count == 0 ? [null] : addresses.Cast<string?>())
            .Select(ip => new DeviceObservation(now, DeviceSource.Agent, mac, ip, Clip(hostname, 253), Clip(user, 100)))
            .ToList();
    }

    private static string? Clip(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length <= max ? text.Trim() : text.Trim()[..max];
}
