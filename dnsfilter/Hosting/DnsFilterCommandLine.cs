using System.CommandLine;
using ClassroomGuard.DnsFilter.Lists.Fetching;
using ClassroomGuard.Storage.Hosting;

namespace ClassroomGuard.DnsFilter.Hosting;

/// <summary>
/// The program's command line (System.CommandLine): no command runs the DNS filter service; <c>fetch-lists</c> fetches
/// the block lists once (set-up runs it). Both take settings as <c>--Section:Key=value</c>: not options of the command
/// line but the highest-precedence configuration source, left unmatched here and read by the configuration provider.
/// Any other token is a usage error: exit 64 (EX_USAGE) with the usage on stderr.
/// </summary>
internal static class DnsFilterCommandLine
{
    public const string Usage = "Usage: ClassroomGuard.DnsFilter [fetch-lists] [--Section:Key=value …] (--help for more)";

    /// <summary>EX_USAGE.</summary>
    public const int UsageError = 64;

    private const string SettingsHelp = "Settings as --Section:Key=value (for example --Dns:Lists:Ut1Url=/srv/blacklists.tar.gz) override the configuration files.";

    /// <summary>Parses <paramref name="args"/> and runs what they ask.</summary>
    public static async Task<int> RunAsync(string[] args, Func<string[], Task<int>> runService, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(runService);
        var root = new RootCommand("ClassroomGuard DNS filter: without a command, runs the DNS filter service. " + SettingsHelp) { TreatUnmatchedTokensAsErrors = false };
        root.SetAction((result, _) => runService(Settings(result)));
        var fetch = new Command(
            "fetch-lists",
            "Fetches UT1's archive and every configured feed now, with the DNS filter's checks, and says what it did. Exit 0 when every required list (adult, malware, phishing, always-on feeds) is in force; 75 when a download failed or a required list is missing. " + SettingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        fetch.SetAction((result, cancellationToken) => FetchListsCommand.RunAsync(Settings(result), output, cancellationToken));
        root.Add(fetch);

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var problems = parsed.Errors.Select(e => e.Message).Concat(parsed.UnmatchedTokens.Where(t => !SettingArguments.IsSetting(t)).Select(t => $"unexpected argument '{t}': settings are written --Section:Key=value.")).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("ClassroomGuard.DnsFilter: " + problem);
            }

            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Output = output, Error = error });
    }


    private static string[] Settings(ParseResult result) => [.. result.UnmatchedTokens];
}
