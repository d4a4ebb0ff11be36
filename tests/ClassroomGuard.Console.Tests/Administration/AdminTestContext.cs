using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bunit;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Administration;

/// <summary>
/// A real state database in a temporary folder, the administration services over it, and a console certificate file
/// for the enrol command's pin: what the service-level and component tests of the administration pages share.
/// </summary>
internal sealed class AdminTestContext : IDisposable
{
    public const string Password = "kettle umbrella marmalade";

    public AdminTestContext()
    {
        Root = Directory.CreateTempSubdirectory("cg-admin-").FullName;
        StateOptions = new StateOptions { Path = Path.Combine(Root, "state.db"), TimeZone = "Europe/London" };
        Store = StateStore.Open(StateOptions);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=classroomguard-admin-test", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CertificatePath = Path.Combine(Root, "console.crt");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        Pin = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        ConsoleOptions = new ConsoleOptions { CertificatePath = CertificatePath };
    }

    public static CancellationToken Token => CancellationToken.None;

    public string Root { get; }

    public StateOptions StateOptions { get; }

    public ConsoleOptions ConsoleOptions { get; }

    public StateStore Store { get; }

    public string CertificatePath { get; }

    /// <summary>The certificate's SPKI SHA-256, base64: what the agent's --pin takes.</summary>
    public string Pin { get; }

    public AdminActions Actions => new(Store, Options.Create(ConsoleOptions), TimeProvider.System, NullLogger<AdminActions>.Instance);

    public AdminQueries Queries => new(Store, Options.Create(StateOptions), TimeProvider.System);

    public async Task<UserAccount> UserAsync(string userName, string displayName, params Role[] roles)
    {
        var (outcome, user) = await Store.Users.CreateUserAsync(userName, displayName, roles, Password, mustChangePassword: false, Token);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        return user!;
    }

    public static ConsoleUser Actor(UserAccount account)
        => ConsoleUser.From(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow))!;

    public async Task<Room> RoomAsync(string site, string room)
    {
        var created = await Store.Sites.CreateSiteAsync(site, Token);
        return await Store.Sites.CreateRoomAsync(created.Id, room, Token);
    }

    /// <summary>A bUnit context with the console's administration services over this store, signed in as <paramref name="account"/>.</summary>
    public BunitContext Components(UserAccount account)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddLogging();
        context.Services.AddSingleton(Store);
        context.Services.AddSingleton(Options.Create(ConsoleOptions));
        context.Services.AddSingleton(Options.Create(StateOptions));
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddAdministration();
        context.Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        context.Services.AddChangeLog(); // Approvals reads the pending changes through the change-control services
        context.Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow)));
        context.Services.AddScoped<CurrentUser>();
        context.Services.AddScoped<AgentReset>();
        context.Services.AddSingleton<ClassroomGuard.Console.Mail.UserEmailAdmin>(); // the e-mail field on a user's page
        context.Services.AddMudServices();
        return context;
    }

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a finishing thread: a temp folder left behind is harmless.
        }
    }

    /// <summary>The signed-in user the components see (the role under test).</summary>
    private sealed class SignedIn(ClaimsPrincipal principal) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(principal));
    }
}
