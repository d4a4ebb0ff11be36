using System.CommandLine;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Storage.Hosting;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>
/// The program's command line (System.CommandLine): no command runs the sniffer service; <c>interfaces</c> lists the
/// interfaces libpcap can capture on (set-up shows them when it asks for the mirror port). The service takes settings as
/// <c>--Section:Key=value</c>: not options of the command line but the highest-precedence configuration source, left
/// unmatched here and read by the configuration provider. Any other token is a usage error: exit 64 (EX_USAGE).
/// </summary>
internal static class SnifferCommandLine
{
    public const string Usage = "Usage: ClassroomGuard.Sniffer [interfaces [--all]] [--Section:Key=value …] (--help for more)";

    /// <summary>EX_USAGE.</summary>
    public const int UsageError = 64;

    /// <summary>EX_UNAVAILABLE: libpcap is missing or cannot list the interfaces.</summary>
    public const int Unavailable = 69;

    /// <summary>Parses <paramref name="args"/> and runs what they ask.</summary>
    public static async Task<int> RunAsync(string[] args, Func<string[], Task<int>> runService, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(runService);
        var root = new RootCommand("ClassroomGuard sniffer: without a command, captures on Sniffer:Interface (or reads Sniffer:ReadFile). Settings as --Section:Key=value (for example --Sniffer:Interface=eth1) override the configuration files.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => runService([.. result.UnmatchedTokens]));
        var all = new Option<bool>("--all") { Description = "Also list loopback and pseudo-devices (any, nflog, …), which are never the mirror port." };
        var interfaces = new Command(
            "interfaces",
            "Lists the network interfaces libpcap can capture on, one a line: name (up/down, link/no link, addresses) and libpcap's description. The mirror port is normally up, with link and no address.")
        {
            all,
        };
        interfaces.SetAction(result => ListInterfaces(result.GetValue(all), output, error));
        root.Add(interfaces);

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var problems = parsed.Errors.Select(e => e.Message)
            .Concat(parsed.UnmatchedTokens.Where(t => !SettingArguments.IsSetting(t) || parsed.CommandResult.Command == interfaces).Select(t => $"unexpected argument '{t}': settings are written --Section:Key=value (and only for the service).")).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("ClassroomGuard.Sniffer: " + problem);
            }

            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Output = output, Error = error });
    }


    private static int ListInterfaces(bool all, TextWriter output, TextWriter error)
    {
        IReadOnlyList<CaptureInterface> found;
        try
        {
            found = CaptureInterfaces.List();
        }
        catch (DllNotFoundException)
        {
            error.WriteLine("ClassroomGuard.Sniffer: libpcap is not installed (Debian package libpcap0.8): cannot list interfaces.");
            return Unavailable;
        }
        catch (PcapException ex)
        {
            error.WriteLine("ClassroomGuard.Sniffer: " + ex.Message);
            return Unavailable;
        }

        foreach (var i in found.Where(i => all || !(i.IsLoopback || i.IsPseudoDevice)))
        {
            output.WriteLine(i.Describe());
        }

        return 0;
    }
}
