using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Policy;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Policy;

/// <summary>A real state database (the administration tests' context) with the policy editor over it, as any user.</summary>
internal sealed class PolicyTestContext : IDisposable
{
    public AdminTestContext School { get; } = new();

    public StateStore Store => School.Store;

    public static CancellationToken Token => CancellationToken.None;

    public Task<UserAccount> UserAsync(string userName, string name, params Role[] roles) => School.UserAsync(userName, name, roles);

    /// <summary>The editor as <paramref name="account"/> sees it.</summary>
    public PolicyEditor EditorFor(UserAccount account)
        => new(Store, new CurrentUser(new SignedIn(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow))), NullLogger<PolicyEditor>.Instance);

    /// <summary>A bUnit context with the console's services, signed in as <paramref name="account"/>.</summary>
    public BunitContext Components(UserAccount account)
    {
        var context = School.Components(account);
        context.Services.AddPolicyEditor();
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // the pages mark themselves interactive for the browser tests
        return context;
    }

    public async Task<PendingChange> SinglePendingAsync()
        => Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));

    public void Dispose() => School.Dispose();

    private sealed class SignedIn(ClaimsPrincipal principal) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(principal));
    }
}
