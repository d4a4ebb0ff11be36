using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ClassroomGuard.AgentContract;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Authenticates pupil agents: <c>Authorization: Bearer &lt;agentId&gt;.&lt;secret&gt;</c>, checked against the stored hash
/// of the credential issued at enrolment. Used only by the agent hub; people sign in with the cookie scheme.
/// </summary>
internal sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, StateStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Agent";

    /// <summary>Claim holding the device the agent runs on.</summary>
    public const string DeviceClaim = "classroomguard:device";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!AgentAuthorizationHeader.IsBearer(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!AgentAuthorizationHeader.TryParse(header, out var agentId, out var secret))
        {
            return AuthenticateResult.Fail("Malformed agent credential.");
        }

        var credential = await store.AgentCredentials.VerifyAsync(agentId, secret, Context.RequestAborted);
        if (credential is null)
        {
            Log.AgentCredentialRefused(Logger, agentId, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return AuthenticateResult.Fail("Unknown or revoked agent credential.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, credential.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(DeviceClaim, credential.DeviceId.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
