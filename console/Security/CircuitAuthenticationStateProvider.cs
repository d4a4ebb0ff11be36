using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// The signed-in user inside an interactive circuit. A circuit outlives the request that opened it (a kiosk keeps one
/// all day), so the cookie's per-request re-check (<see cref="SessionEvents"/>) is not enough: every
/// <see cref="RevalidationInterval"/> the user is read again from the state database, and a disabled account, changed
/// roles or a session past <see cref="ConsoleOptions.SessionAbsoluteLimit"/> ends the circuit's sign-in (for a classroom
/// display: a revoked credential). Pages then
/// show "not authorised", and the next page load goes to the sign-in page.
/// </summary>
internal sealed class CircuitAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<ConsoleOptions> options, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>How often a circuit's user is checked against the state database.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        if (Kiosk.KioskDisplay.From(principal) is { } display)
        {
            // A classroom display's open room page: it ends within one interval of the credential's revocation.
            await using var displayScope = scopes.CreateAsyncScope();
            return await displayScope.ServiceProvider.GetRequiredService<StateStore>().KioskCredentials.IsActiveAsync(display.CredentialId, cancellationToken);
        }

        var user = ConsoleUser.From(principal);
        var signedInAt = ConsoleUser.SignedInAt(principal);
        if (user is null || signedInAt is null || time.GetUtcNow() - signedInAt.Value > options.Value.SessionAbsoluteLimit)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StateStore>();
        var account = await store.Users.GetAsync(user.Id, cancellationToken);
        return account is { Disabled: false } && !account.MustChangePassword && account.Roles.ToHashSet().SetEquals(user.Roles);
    }
}
