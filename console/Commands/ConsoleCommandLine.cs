using System.CommandLine;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.Hosting;

namespace ClassroomGuard.Console.Commands;

/// <summary>
/// The program's command line (System.CommandLine): no command runs the console service; <c>migrate</c>,
/// <c>create-first-admin [--username NAME]</c> and <c>verify-log</c> are the administrative commands. Every form takes
/// settings as <c>--Section:Key=value</c> (for example <c>--State:Path=/var/lib/classroomguard/state.db</c>): they are
/// not options of the command line but the highest-precedence configuration source of the host, so System.CommandLine
/// leaves them unmatched and the .NET command-line configuration provider reads them. A token that is neither an
/// option nor a setting is a usage error: exit 64 (EX_USAGE) with the usage on stderr.
/// </summary>
internal static class ConsoleCommandLine
{
    public const string Usage = "Usage: ClassroomGuard.Console [migrate | create-first-admin [--username NAME] | verify-log | " + ReportCommand.Usage + " | " + KioskCommand.Usage + "] [--Section:Key=value …] (--help for more)";

    private const string SettingsHelp = "Settings as --Section:Key=value (for example --State:Path=/var/lib/classroomguard/state.db) override the configuration files.";

    /// <summary>Parses <paramref name="args"/> and runs what they ask; <paramref name="runService"/> runs the console service with its settings.</summary>
    public static async Task<int> RunAsync(string[] args, Func<string[], Task<int>> runService, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(runService);
        var root = Create(runService);
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var problems = result.Errors.Select(e => e.Message).Concat(result.UnmatchedTokens.Where(t => !SettingArguments.IsSetting(t)).Select(Unexpected)).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("ClassroomGuard.Console: " + problem);
            }

            await error.WriteLineAsync(Usage);
            return ExitCodes.Usage;
        }

        // Exceptions are the program's to report (a bad setting is exit 78, an unusable database 65), and the service's
        // host handles SIGTERM itself: System.CommandLine neither catches nor handles termination.
        return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Output = output, Error = error });
    }

    /// <summary>The root command and its subcommands.</summary>
    public static RootCommand Create(Func<string[], Task<int>> runService)
    {
        var root = new RootCommand("ClassroomGuard console: without a command, runs the console service. " + SettingsHelp) { TreatUnmatchedTokensAsErrors = false };
        root.SetAction((result, _) => runService(Settings(result)));

        var migrate = new Command("migrate", "Creates or upgrades the state database and provisions InfluxDB (set-up runs it). " + SettingsHelp) { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((result, cancellationToken) => AdminCommands.MigrateAsync(Settings(result), cancellationToken));

        var userName = new Option<string>("--username") { Description = "Sign-in name of the first administrator (default admin).", DefaultValueFactory = _ => "admin", HelpName = "NAME" };
        userName.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--username needs a name.");
            }
        });
        var createAdmin = new Command("create-first-admin", "Creates the first administrator and prints its password once; does nothing if an administrator exists. " + SettingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        createAdmin.Add(userName);
        createAdmin.SetAction((result, cancellationToken) => AdminCommands.CreateFirstAdministratorAsync(Settings(result), result.GetValue(userName)!, cancellationToken));

        var verifyLog = new Command("verify-log", "Verifies the change-control log's hash chain: prints 'change log intact: entries=N head=H' and exits 0, or names the first entry that does not verify and exits 65. " + SettingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verifyLog.SetAction((result, cancellationToken) => AdminCommands.VerifyLogAsync(Settings(result), cancellationToken));

        root.Add(migrate);
        root.Add(createAdmin);
        root.Add(verifyLog);
        root.Add(ReportCommand.Create(SettingsHelp));
        root.Add(KioskCommand.Create(SettingsHelp));
        return root;
    }


    private static string Unexpected(string token) => $"unexpected argument '{token}': settings are written --Section:Key=value.";

    private static string[] Settings(ParseResult result) => [.. result.UnmatchedTokens];
}
