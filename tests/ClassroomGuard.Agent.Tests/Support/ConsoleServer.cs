using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Agent.Tests.Support;

/// <summary>
/// The REAL console (its own Program's application, Kestrel on a free loopback port, HTTPS with a freshly generated
/// self-signed certificate) with its own state database in a temporary folder. A teacher, a room and an enrolment
/// token are made through the console's own state store.
/// </summary>
internal sealed class ConsoleServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ConsoleServer(WebApplication app, string root, Uri url, string pin)
    {
        this.app = app;
        Root = root;
        Url = url;
        Pin = pin;
    }

    public string Root { get; }

    /// <summary>https://127.0.0.1:port/</summary>
    public Uri Url { get; }

    /// <summary>SPKI SHA-256 of the console's certificate.</summary>
    public string Pin { get; }

    public StateStore Store => app.Services.GetRequiredService<StateStore>();

    /// <summary>The console's services (to look at its agent hub's state).</summary>
    public IServiceProvider Services => app.Services;

    public static async Task<ConsoleServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("cg-agent-console-").FullName;
        var (certPath, keyPath, pin) = WriteCertificate(root, "console");
        Environment.SetEnvironmentVariable("CLASSROOMGUARD_CONFIG_DIR", Path.Combine(root, "etc"));
        var app = ConsoleApplication.Build(
        [
            "--State:Path=" + Path.Combine(root, "state.db"),
            "--Influx:Url=http://127.0.0.1:9/",
            "--Influx:SpoolDirectory=" + Path.Combine(root, "spool"),
            "--Console:Listen=https://127.0.0.1:0",
            "--Console:CertificatePath=" + certPath,
            "--Console:CertificateKeyPath=" + keyPath,
            "--Console:DataProtectionKeysPath=" + Path.Combine(root, "keys"),
            "--Reports:Directory=" + Path.Combine(root, "reports"),
            "--Console:AgentEnrolmentsPerMinute=1000",
            "--Logging:LogLevel:Default=Warning",
            "--applicationName=ClassroomGuard.Console", // static assets manifest and data-protection name of the console, not the test host
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new ConsoleServer(app, root, new Uri($"https://127.0.0.1:{port}/"), pin);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 (PEM files in <paramref name="folder"/>) and its pin.</summary>
    public static (string CertPath, string KeyPath, string Pin) WriteCertificate(string folder, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(folder, name + ".crt");
        var keyPath = Path.Combine(folder, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, Convert.ToBase64String(SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())));
    }

    /// <summary>A teacher, a room, and a token for it valid for <paramref name="lifetime"/>.</summary>
    public async Task<(UserAccount Teacher, Room Room, string Token)> RoomWithTokenAsync(string roomName, TimeSpan? lifetime = null)
    {
        var site = (await Store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await Store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var room = await Store.Sites.CreateRoomAsync(site.Id, roomName, CancellationToken.None);
        var teacher = await UserAsync("t-" + roomName.ToLowerInvariant(), Role.Teacher, Role.Technician);
        var token = await Store.EnrolmentTokens.CreateAsync(room.Id, teacher.Id, lifetime ?? TimeSpan.FromHours(1), CancellationToken.None);
        return (teacher, room, token!.Secret);
    }

    public async Task<UserAccount> UserAsync(string name, params Role[] roles)
    {
        var (_, user) = await Store.Users.CreateUserAsync(name, name, roles, "correct horse battery staple", mustChangePassword: false, CancellationToken.None);
        return user!;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
