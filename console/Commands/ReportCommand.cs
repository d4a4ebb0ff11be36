using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Commands;

/// <summary>
/// <c>report weekly --week 2026-W49 [--site NAME-or-id] --out weekly.pdf</c> and
/// <c>report governors --from 2026-09-01 --to 2026-12-31 --out governors.pdf</c>: prints a report to a PDF with the
/// appliance's settings, exactly as the schedule does, and says where, how large and how many pages. A bad week, date
/// or site is exit 64 with the expected form; no state database 66; Chromium or InfluxDB unavailable 69; an output
/// folder that does not exist or cannot be written 73.
/// </summary>
internal static class ReportCommand
{
    public const string Usage = "report weekly --week YYYY-Www [--site NAME-or-id] --out FILE.pdf | report governors --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.pdf";

    private const string WeekForm = "Write the week as YYYY-Www, for example 2026-W49.";

    private const string DateForm = "Write dates as YYYY-MM-DD, for example 2026-09-01.";

    /// <summary>The longest governors' report: a school year.</summary>
    private const int MaxGovernorsDays = 366;

    public static Command Create(string settingsHelp)
    {
        var report = new Command("report", "Prints a report to a PDF file (A4), as the schedule does: 'report weekly' or 'report governors'. " + settingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        report.Add(Weekly(settingsHelp));
        report.Add(Governors(settingsHelp));
        return report;
    }

    private static Command Weekly(string settingsHelp)
    {
        var week = new Option<IsoWeek>("--week")
        {
            Description = "The ISO week (Monday to Sunday, school time), for example 2026-W49.",
            HelpName = "YYYY-Www",
            Required = true,
            CustomParser = ParseWeek,
        };
        var site = new Option<string>("--site") { Description = "One site, by name or number (default: the whole appliance).", HelpName = "NAME-or-id" };
        site.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--site needs a site's name or number.");
            }
        });
        var output = OutputOption();
        var saveHtml = SaveHtmlOption();
        var command = new Command("weekly", "The technicians' weekly traffic report for an ISO week, with the week before beside it. " + settingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Add(week);
        command.Add(site);
        command.Add(output);
        command.Add(saveHtml);
        command.SetAction((result, cancellationToken) => RunAsync(Settings(result), async (services, generator, ct) =>
        {
            long? siteId = null;
            if (result.GetValue(site) is { } wanted)
            {
                var sites = await services.GetRequiredService<StateStore>().Sites.ListSitesAsync(ct);
                var match = sites.FirstOrDefault(s => long.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && s.Id == id)
                            ?? sites.FirstOrDefault(s => string.Equals(s.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    var known = sites.Count == 0 ? "the appliance has no sites yet" : "the sites are " + string.Join(", ", sites.Select(s => $"{s.Name} ({s.Id})"));
                    throw new UsageException($"--site {Show(wanted)}: no such site; {known}.");
                }

                siteId = match.Id;
            }

            return await generator.GenerateWeeklyAsync(siteId, result.GetValue(week), result.GetValue(output)!, result.GetValue(saveHtml), ct);
        }, cancellationToken));
        return command;
    }

    private static Command Governors(string settingsHelp)
    {
        var from = new Option<DateOnly>("--from") { Description = "The first day, for example 2026-09-01.", HelpName = "YYYY-MM-DD", Required = true, CustomParser = ParseDate };
        var to = new Option<DateOnly>("--to") { Description = "The last day (inclusive), for example 2026-12-31.", HelpName = "YYYY-MM-DD", Required = true, CustomParser = ParseDate };
        var output = OutputOption();
        var saveHtml = SaveHtmlOption();
        var command = new Command("governors", "The governors' report for a period (a month, a term, at most a year). " + settingsHelp)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Add(from);
        command.Add(to);
        command.Add(output);
        command.Add(saveHtml);
        command.Validators.Add(r =>
        {
            // Only when both dates parsed: a bad one has its own message already.
            if (!TryDate(r.GetResult(from), out var first) || !TryDate(r.GetResult(to), out var last))
            {
                return;
            }

            if (last < first)
            {
                r.AddError($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}: the period runs from its first day to its last.");
            }
            else if (last.DayNumber - first.DayNumber + 1 > MaxGovernorsDays)
            {
                r.AddError($"--from {first:yyyy-MM-dd} --to {last:yyyy-MM-dd} is {last.DayNumber - first.DayNumber + 1} days: a governors' report covers at most a year ({MaxGovernorsDays} days).");
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(Settings(result), (_, generator, ct) =>
            generator.GenerateGovernorsAsync(result.GetValue(from), result.GetValue(to), result.GetValue(output)!, result.GetValue(saveHtml), ct), cancellationToken));
        return command;
    }

    private static Option<string> OutputOption()
    {
        var output = new Option<string>("--out") { Description = "The PDF file to write (replaced if it exists; its folder must exist).", HelpName = "FILE.pdf", Required = true };
        output.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.EndsWith('/') || Directory.Exists(value))
            {
                r.AddError($"--out {Show(value)}: give the path of the PDF file to write, for example --out weekly.pdf.");
            }
        });
        return output;
    }

    private static Option<string> SaveHtmlOption()
    {
        var saveHtml = new Option<string>("--save-html")
        {
            Description = "Also keep the HTML that was printed at this path (for troubleshooting a layout; its folder must exist).",
            HelpName = "FILE.html",
            Hidden = true,
        };
        saveHtml.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.EndsWith('/') || Directory.Exists(value))
            {
                r.AddError($"--save-html {Show(value)}: give the path of the HTML file to keep, for example --save-html weekly.html.");
            }
            else if (Path.GetDirectoryName(Path.GetFullPath(value)) is { } folder && !Directory.Exists(folder))
            {
                r.AddError($"--save-html {Show(value)}: its folder does not exist.");
            }
        });
        return saveHtml;
    }

    private static IsoWeek ParseWeek(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (IsoWeek.TryParse(text, out var week, out var error) && text.Length <= 10)
        {
            return week;
        }

        // IsoWeek's reason starts with the value itself; it is echoed here made safe instead.
        var value = text.Trim();
        var why = value.Length > 0 && error.StartsWith(value + " is not a week", StringComparison.Ordinal) ? error[(value.Length + 1)..] + " " : string.Empty;
        result.AddError($"--week {Show(text)} {(why.Length > 0 ? why : "is not a week. ")}{WeekForm}");
        return default;
    }

    private static DateOnly ParseDate(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (TryDate(text, out var date))
        {
            return date;
        }

        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "date"} {Show(text)}: not a date. {DateForm}");
        return default;
    }

    private static bool TryDate(OptionResult? option, out DateOnly date)
    {
        date = default;
        return option is { Tokens.Count: 1 } && TryDate(option.Tokens[0].Value, out date);
    }

    private static bool TryDate(string text, out DateOnly date)
        => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date.Year is >= 2000 and <= 9998;

    /// <summary>A value as it may be echoed back: control characters as '?', at most 40 characters, quoted.</summary>
    internal static string Show(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(empty)";
        }

        var text = new StringBuilder(Math.Min(value.Length, 41) + 2).Append('\'');
        foreach (var c in value.Length > 40 ? value[..40] : value)
        {
            text.Append(char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u202E' or '\u202D' ? '?' : c);
        }

        return text.Append(value.Length > 40 ? "…'" : "'").ToString();
    }

    private static async Task<int> RunAsync(string[] settings, Func<IServiceProvider, ReportGenerator, CancellationToken, Task<GeneratedReport>> generate, CancellationToken cancellationToken)
    {
        await using var app = BuildServices(settings);
        var state = app.Services.GetRequiredService<IOptions<StateOptions>>().Value;
        if (!File.Exists(state.Path))
        {
            await System.Console.Error.WriteLineAsync($"report: there is no state database at {state.Path} (set --State:Path=… to the appliance's database).");
            return ExitCodes.NoInput;
        }

        // timeout(1), cron and systemd stop a command with SIGTERM, a technician with Ctrl+C: the report is cancelled so
        // its temporary files are removed and Chromium closed, and the exit code is the signal's (128 + its number).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stoppedBy = 0;
        void Stop(PosixSignalContext context, int exitCode)
        {
            context.Cancel = true;
            if (Interlocked.CompareExchange(ref stoppedBy, exitCode, 0) == 0)
            {
                PrintingLog.CommandStopped(app.Services.GetRequiredService<ILogger<ReportGenerator>>(), context.Signal.ToString());
                stop.Cancel();
            }
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, 143));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, 130));
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => Stop(c, 131));

        var generator = app.Services.GetRequiredService<ReportGenerator>();
        try
        {
            var report = await generate(app.Services, generator, stop.Token);
            System.Console.WriteLine(report.Title);
            System.Console.WriteLine($"report written: path={report.Path} bytes={report.Bytes} pages={PdfPages.Count(report.Path)} sha256={report.Sha256}");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (stoppedBy != 0)
        {
            await System.Console.Error.WriteLineAsync("report: stopped before the report was finished; nothing was written.");
            return stoppedBy;
        }
        catch (UsageException ex)
        {
            await System.Console.Error.WriteLineAsync("report: " + ex.Message);
            await System.Console.Error.WriteLineAsync(ConsoleCommandLine.Usage);
            return ExitCodes.Usage;
        }
        catch (ReportOutputException ex)
        {
            await System.Console.Error.WriteLineAsync("report: " + ex.Message);
            return ExitCodes.CannotCreate;
        }
        catch (ReportPrintingException ex)
        {
            await System.Console.Error.WriteLineAsync("report: " + ex.Message);
            return ExitCodes.Unavailable;
        }
        catch (InfluxException ex)
        {
            await System.Console.Error.WriteLineAsync($"report: InfluxDB did not answer the report's queries: {ex.Message}");
            return ExitCodes.Unavailable;
        }

        // An unusable state database (StateStoreException) is the program's to report: exit 65, as for every command.
    }

    /// <summary>
    /// The console's own services (storage, the readers, the Razor components' services) with the appliance's settings,
    /// built but never started: no listener, no schedule, nothing in the background. Log lines go to stderr, warnings up.
    /// </summary>
    internal static WebApplication BuildServices(string[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddClassroomGuardSources(settings);
        // stdout is the command's answer; only problems are logged, on stderr (the appliance's Logging settings would
        // otherwise let the service's information lines in).
        builder.Logging.ClearProviders().AddSimpleConsole().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Services.AddClassroomGuardStorage(builder.Configuration);
        // Only for the links in a printed report (Console:PublicUrl); the listener's own settings (certificate) are the
        // service's to check, not the command's.
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section);
        builder.Services.AddApplicationServices();
        var app = builder.Build();
        // Settings are checked as the service checks them at start (exit 78 naming the setting).
        _ = app.Services.GetRequiredService<IOptions<ReportOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<StateOptions>>().Value;
        return app;
    }

    private static string[] Settings(ParseResult result) => [.. result.UnmatchedTokens];

    private sealed class UsageException(string message) : Exception(message);
}
