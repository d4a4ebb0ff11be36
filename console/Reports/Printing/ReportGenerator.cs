using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClassroomGuard.Console.Reports.Governors;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>
/// The one way a report becomes a PDF (the schedule, the Reports page and the <c>report</c> command): read the data,
/// render the same Razor view the console shows (with <c>Print=true</c>) to a self-contained HTML file, print that with
/// Chromium, write the PDF under a temporary name and rename it into place, then hash it. One report at a time per
/// console (a large school's week is the largest thing the console ever holds), within <c>Reports:Timeout</c>.
/// </summary>
internal sealed class ReportGenerator(
    WeeklyReportReader weekly,
    GovernorsReportReader governors,
    ReportHtmlWriter html,
    ChromiumPrinter printer,
    StateStore store,
    IOptions<ReportOptions> options,
    IOptions<StateOptions> state,
    TimeProvider time,
    ILogger<ReportGenerator> log) : IReportGenerator
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public Task<GeneratedReport> GenerateWeeklyAsync(long? siteId, IsoWeek week, string outputPath, CancellationToken cancellationToken)
        => GenerateWeeklyAsync(siteId, week, outputPath, saveHtmlTo: null, cancellationToken);

    /// <summary>As the interface's, and with <paramref name="saveHtmlTo"/> set, a copy of the printed HTML kept there (<c>report --save-html</c>).</summary>
    public Task<GeneratedReport> GenerateWeeklyAsync(long? siteId, IsoWeek week, string outputPath, string? saveHtmlTo, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.OfWeek(week, Zone);
        return GenerateAsync(ReportKind.Weekly, period, siteId, outputPath, cancellationToken, async ct =>
        {
            var report = await weekly.ReadAsync(siteId, week, ct);
            var title = siteId is null ? $"Weekly traffic report, {period.Label}" : $"Weekly traffic report for {report.SiteName}, {period.Label}";
            return (report, title, ReportViews.Weekly, ReportViews.WeeklyStylesheet);
        }, saveHtmlTo);
    }

    public Task<GeneratedReport> GenerateGovernorsAsync(DateOnly first, DateOnly last, string outputPath, CancellationToken cancellationToken)
        => GenerateGovernorsAsync(first, last, outputPath, saveHtmlTo: null, cancellationToken);

    /// <summary>As the interface's, and with <paramref name="saveHtmlTo"/> set, a copy of the printed HTML kept there (<c>report --save-html</c>).</summary>
    public Task<GeneratedReport> GenerateGovernorsAsync(DateOnly first, DateOnly last, string outputPath, string? saveHtmlTo, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Of(first, last, Zone);
        return GenerateAsync(ReportKind.Governors, period, null, outputPath, cancellationToken, async ct =>
        {
            var report = await governors.ReadAsync(first, last, ct);
            return (report, $"Governors' report, {period.Label}", ReportViews.Governors, ReportViews.GovernorsStylesheet);
        }, saveHtmlTo);
    }

    /// <summary>
    /// Prints any view: <paramref name="read"/> gives the report's data (passed as the view's <c>Report</c> parameter),
    /// its title, the view and its stylesheet. Internal so tests can print a view of their own (and, with
    /// <paramref name="timeout"/>, below the setting's 10 s minimum).
    /// </summary>
    internal async Task<GeneratedReport> GenerateAsync(
        ReportKind kind, ReportPeriod period, long? siteId, string outputPath, CancellationToken cancellationToken,
        Func<CancellationToken, Task<(object Report, string Title, Type View, string? Stylesheet)>> read,
        string? saveHtmlTo = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var target = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new ReportOutputException($"The folder {folder} does not exist: the report is written only into an existing folder.");
        }

        var htmlCopy = saveHtmlTo is null ? null : Path.GetFullPath(saveHtmlTo);
        if (htmlCopy is not null && !Directory.Exists(Path.GetDirectoryName(htmlCopy)))
        {
            throw new ReportOutputException($"The folder {Path.GetDirectoryName(htmlCopy)} does not exist: the HTML copy is written only into an existing folder.");
        }

        printer.EnsureInstalled();
        var limitAfter = timeout ?? options.Value.Timeout;
        var title = $"{(kind == ReportKind.Weekly ? "Weekly traffic report" : "Governors' report")}, {period.Label}";

        // One at a time: the time queued behind another report is not this one's (its timeout starts below), and
        // nothing of its own exists yet to be left behind if it is cancelled while it waits.
        await _oneAtATime.WaitAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? partial = null;
        DirectoryInfo? work = null;
        try
        {
            limit.CancelAfter(limitAfter);
            partial = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
            CreatePrivateFile(partial, target);
            work = Directory.CreateTempSubdirectory("cg-report-");

            var clock = Stopwatch.StartNew();
            var (report, readTitle, view, stylesheet) = await read(limit.Token);
            title = readTitle;
            var dataSeconds = clock.Elapsed.TotalSeconds;

            var htmlPath = Path.Combine(work.FullName, "report.html");
            await using (var file = new StreamWriter(htmlPath, false, new UTF8Encoding(false), 1 << 16))
            {
                await html.WriteAsync(view, new Dictionary<string, object?> { ["Report"] = report, ["Print"] = true }, title, stylesheet, file);
            }

            // The data is in the file now; let it go before Chromium starts.
            report = null!;
            var htmlSeconds = clock.Elapsed.TotalSeconds - dataSeconds;
            if (htmlCopy is not null)
            {
                try
                {
                    File.Copy(htmlPath, htmlCopy, overwrite: true);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    throw new ReportOutputException($"The HTML copy could not be written to {htmlCopy}: {ex.Message}", ex);
                }
            }

            var furniture = new PageFurniture(await SchoolNameAsync(limit.Token), title, Generated(time.GetUtcNow()));
            var timing = await printer.PrintAsync(htmlPath, furniture, partial, limit.Token);
            try
            {
                File.Move(partial, target, overwrite: true);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new ReportOutputException($"The report could not be written to {target}: {ex.Message}", ex);
            }

            partial = null;
            var (bytes, sha) = await HashAsync(target, limit.Token);
            PrintingLog.Printed(log, title, target, bytes, clock.Elapsed.TotalSeconds, dataSeconds, htmlSeconds, timing.Launch.TotalSeconds, timing.Print.TotalSeconds);
            return new GeneratedReport(kind, period, title, target, bytes, sha, siteId);
        }
        catch (OperationCanceledException ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var failure = new ReportPrintingException($"The report took longer than Reports:Timeout ({limitAfter:c}) and was abandoned; try a shorter period, or raise Reports:Timeout.", ex);
            PrintingLog.Failed(log, title, failure.Message, ex);
            throw failure;
        }
        catch (ReportOutputException ex)
        {
            // A folder that cannot be written is the caller's to fix, named in the message: no stack trace for it.
            PrintingLog.Failed(log, title, ex.Message, null);
            throw;
        }
        catch (ReportPrintingException ex)
        {
            PrintingLog.Failed(log, title, ex.Message, ex);
            throw;
        }
        finally
        {
            // Each step on its own: one that fails (the output folder removed meanwhile) neither hides the report's
            // own error nor keeps the other from running.
            if (partial is not null)
            {
                Cleanup(() => File.Delete(partial), partial);
            }

            if (work is not null)
            {
                Cleanup(() => work.Delete(recursive: true), work.FullName);
            }

            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Creates the PDF's temporary file before anything is read, readable by its owner only (a weekly report names
    /// devices): a folder that cannot be written is known at once, not after the data is read and Chromium has run.
    /// Chromium's PDF then replaces its content (keeping the mode) and the rename keeps it.
    /// </summary>
    private static void CreatePrivateFile(string partial, string target)
    {
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var _ = new FileStream(partial, create);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new ReportOutputException($"The report could not be written to {target}: {ex.Message}", ex);
        }
    }

    private void Cleanup(Action step, string path)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            PrintingLog.CleanupFailed(log, path, ex);
        }
    }

    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    /// <summary>"Generated Mon 7 Dec 2026, 09:40" in the school's time zone.</summary>
    internal string Generated(DateTimeOffset instant) =>
        "Generated " + TimeZoneInfo.ConvertTime(instant, Zone).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reports:SchoolName, or else the appliance's site names, or else the product's name.</summary>
    internal async Task<string> SchoolNameAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.SchoolName))
        {
            return options.Value.SchoolName.Trim();
        }

        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        return sites.Count > 0 ? string.Join(", ", sites.Select(s => s.Name)) : "ClassroomGuard";
    }

    private static async Task<(long Bytes, string Sha256)> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var pdf = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(pdf, cancellationToken);
        return (pdf.Length, Convert.ToHexStringLower(hash));
    }
}
