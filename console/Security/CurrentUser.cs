using Microsoft.AspNetCore.Components.Authorization;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// The signed-in user for components, in a prerender and inside an interactive circuit alike (where there is no
/// <c>HttpContext</c>): read from the authentication state, which <see cref="CircuitAuthenticationStateProvider"/>
/// keeps current.
/// </summary>
internal sealed class CurrentUser(AuthenticationStateProvider authentication)
{
    /// <summary>The user, or null when the session has ended.</summary>
    public async Task<ConsoleUser?> GetAsync()
        => ConsoleUser.From((await authentication.GetAuthenticationStateAsync()).User);
}
