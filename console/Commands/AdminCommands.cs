using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Commands;

/// <summary>
/// The administrative commands set-up runs: <c>migrate</c> (create or upgrade the state database and
/// provision InfluxDB) and <c>create-first-admin [--username NAME]</c> (prints a generated password once).
/// They read the same settings as the service, and answer with sysexits codes.
/// </summary>
internal static class AdminCommands
{
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal) { "migrate", "create-first-admin" };

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var (command, rest) = (args[0], args[1..]);
        var userName = "admin";
        var settings = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--username" && i + 1 < rest.Length && command == "create-first-admin")
            {
                userName = rest[++i];
            }
            else if (rest[i].StartsWith("--", StringComparison.Ordinal) && rest[i].Contains(':', StringComparison.Ordinal))
            {
                settings.Add(rest[i]);
            }
            else
            {
                await System.Console.Error.WriteLineAsync($"{command}: unexpected argument '{rest[i]}'. Usage: migrate | create-first-admin [--username NAME] [--Section:Key=value …]");
                return ExitCodes.Usage;
            }
        }

        using var host = BuildHost([.. settings]);
        try
        {
            return command == "migrate"
                ? await MigrateAsync(host.Services, cancellationToken)
                : await CreateFirstAdministratorAsync(host.Services, userName, cancellationToken);
        }
        catch (StateStoreException ex)
        {
            await System.Console.Error.WriteLineAsync($"{command}: {ex.Message}");
            return ExitCodes.DataError;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<StateStore>();
        System.Console.WriteLine($"State database {store.Path} is at schema version {store.SchemaVersion}.");
        var influx = services.GetRequiredService<InfluxConnection>();
        try
        {
            var version = await services.GetRequiredService<InfluxProvisioner>().ProvisionAsync(cancellationToken);
            System.Console.WriteLine($"InfluxDB {influx.Url} (version {version ?? "unknown"}): database, retention policies and continuous queries are in place.");
            return ExitCodes.Success;
        }
        catch (InfluxException ex)
        {
            await System.Console.Error.WriteLineAsync($"migrate: InfluxDB could not be provisioned: {ex.Message}");
            return ExitCodes.Unavailable;
        }
    }

    private static async Task<int> CreateFirstAdministratorAsync(IServiceProvider services, string userName, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<StateStore>();
        var result = await store.Users.CreateFirstAdministratorAsync(userName, "Administrator", cancellationToken);
        if (!result.Created)
        {
            System.Console.WriteLine($"No administrator created: {result.Refusal}");
            return ExitCodes.Success;
        }

        System.Console.WriteLine($"Administrator '{result.User!.UserName}' created. Its password, shown only this once: {result.Password}");
        System.Console.WriteLine("Keep it safe: it is stored only as a hash and cannot be shown again.");
        return ExitCodes.Success;
    }

    private static IHost BuildHost(string[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, DisableDefaults = true });
        builder.Configuration.AddClassroomGuardSources(settings);
        // The commands print what matters themselves, on stdout; only problems go to the log, on stderr, so set-up
        // keeps log lines out of its own output (and in its log) without losing the one-time password.
        builder.Logging.AddSimpleConsole().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddClassroomGuardStorage(builder.Configuration);
        return builder.Build();
    }
}
