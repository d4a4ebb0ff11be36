using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Commands;

/// <summary>
/// The administrative commands: <c>migrate</c> (create or upgrade the state database and provision InfluxDB),
/// <c>create-first-admin [--username NAME]</c> (prints a generated password once) and <c>verify-log</c> (checks the
/// change-control log's hash chain). They read the same settings as the service, and answer with sysexits codes.
/// The command line itself is read by <see cref="ConsoleCommandLine"/>.
/// </summary>
internal static class AdminCommands
{
    public static async Task<int> MigrateAsync(string[] settings, CancellationToken cancellationToken)
    {
        using var host = BuildHost(settings);
        return await Guarded("migrate", async () =>
        {
            var store = host.Services.GetRequiredService<StateStore>();
            System.Console.WriteLine($"State database {store.Path} is at schema version {store.SchemaVersion}.");
            var influx = host.Services.GetRequiredService<InfluxConnection>();
            try
            {
                var version = await host.Services.GetRequiredService<InfluxProvisioner>().ProvisionAsync(cancellationToken);
                System.Console.WriteLine($"InfluxDB {influx.Url} (version {version ?? "unknown"}): database, retention policies and continuous queries are in place.");
                return ExitCodes.Success;
            }
            catch (InfluxException ex)
            {
                await System.Console.Error.WriteLineAsync($"migrate: InfluxDB could not be provisioned: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
    }

    public static async Task<int> CreateFirstAdministratorAsync(string[] settings, string userName, CancellationToken cancellationToken)
    {
        using var host = BuildHost(settings);
        return await Guarded("create-first-admin", async () =>
        {
            var store = host.Services.GetRequiredService<StateStore>();
            var result = await store.Users.CreateFirstAdministratorAsync(userName, "Administrator", cancellationToken);
            if (!result.Created)
            {
                System.Console.WriteLine($"No administrator created: {result.Refusal}");
                return ExitCodes.Success;
            }

            System.Console.WriteLine($"Administrator '{result.User!.UserName}' created. Its password, shown only this once: {result.Password}");
            System.Console.WriteLine("Keep it safe: it is stored only as a hash and cannot be shown again.");
            return ExitCodes.Success;
        });
    }

    /// <summary>
    /// Verifies the change-control log: <c>change log intact: entries=N head=H</c> and 0, or the first entry that does
    /// not verify and 65 (EX_DATAERR). A missing database is 66 (EX_NOINPUT): there is no log to vouch for.
    /// </summary>
    public static async Task<int> VerifyLogAsync(string[] settings, CancellationToken cancellationToken)
    {
        using var host = BuildHost(settings);
        var state = host.Services.GetRequiredService<IOptions<StateOptions>>().Value;
        if (!File.Exists(state.Path))
        {
            await System.Console.Error.WriteLineAsync($"verify-log: there is no state database at {state.Path} (set --State:Path=… to the appliance's database).");
            return ExitCodes.NoInput;
        }

        return await Guarded("verify-log", async () =>
        {
            var store = host.Services.GetRequiredService<StateStore>();
            var result = await store.ChangeControl.VerifyChainAsync(null, cancellationToken);
            if (result.IsValid)
            {
                System.Console.WriteLine($"change log intact: entries={result.EntryCount} head={result.Head.Hash}");
                return ExitCodes.Success;
            }

            var bad = result.FirstBadSequence ?? result.Head.Sequence + 1;
            var entry = await store.ChangeControl.GetEntryAsync(bad, cancellationToken);
            var actor = entry is { ActorId: > 0 } ? await store.Users.GetAsync(entry.ActorId, cancellationToken) : null;
            var zone = TimeZoneInfo.FindSystemTimeZoneById(state.TimeZone);
            System.Console.WriteLine($"change log BROKEN: first bad entry={bad} entries={result.EntryCount}");
            System.Console.WriteLine(ChainSentences.Broken(bad, entry, actor?.DisplayName, zone));
            System.Console.WriteLine($"What the check found: {result.Problem}");
            return ExitCodes.DataError;
        });
    }

    private static async Task<int> Guarded(string command, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (StateStoreException ex)
        {
            await System.Console.Error.WriteLineAsync($"{command}: {ex.Message}");
            return ExitCodes.DataError;
        }
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
