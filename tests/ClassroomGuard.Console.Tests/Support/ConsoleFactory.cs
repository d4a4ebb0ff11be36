using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>
/// The console service in-process (TestServer) with its own state database in a temporary folder and
/// the given InfluxDB address. Settings go in as command-line style settings, the highest-precedence source.
/// </summary>
internal sealed class ConsoleFactory(Uri influxUrl, string? statePath = null) : WebApplicationFactory<Program>
{
    public string Root { get; } = Directory.CreateTempSubdirectory("cg-console-").FullName;

    public string StatePath => statePath ?? Path.Combine(Root, "state.db");

    /// <summary>Sign-in attempts per IP per minute; high by default so tests that sign in often are not limited.</summary>
    public int SignInAttemptsPerMinute { get; init; } = 1000;

    /// <summary>Services the test replaces after the console's own (a stand-in for a part it does not test).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Failed sign-ins that lock an account.</summary>
    public int LockoutThreshold { get; init; } = 3;

    /// <summary>More settings, as the appliance's settings files would give them (e.g. <c>Dns:Upstreams:0</c>).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("State:Path", StatePath);
        builder.UseSetting("Influx:Url", influxUrl.ToString());
        builder.UseSetting("Influx:SpoolDirectory", Path.Combine(Root, "spool"));
        builder.UseSetting("Console:Listen", "http://127.0.0.1:0");
        builder.UseSetting("Console:DataProtectionKeysPath", Path.Combine(Root, "keys"));
        builder.UseSetting("Reports:Directory", Path.Combine(Root, "reports"));
        builder.UseSetting("Console:SignInAttemptsPerMinute", SignInAttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("State:LockoutThreshold", LockoutThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in Settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } replace)
        {
            builder.ConfigureTestServices(replace);
        }

        // The test owns no config folder: keep /etc/classroomguard of the machine out of it.
        Environment.SetEnvironmentVariable("CLASSROOMGUARD_CONFIG_DIR", Path.Combine(Root, "etc"));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
