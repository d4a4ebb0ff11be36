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

    /// <summary>
    /// When set, a copy of each printed HTML document is kept at this path (the <c>report --save-html</c> option, for
    /// troubleshooting a layout and for the benchmark's Chromium-only peer).
    /// </summary>
    public string? SaveHtmlTo { get; set; }

    public Task<GeneratedReport> GenerateWeeklyAsync(long? siteId, IsoWeek week, string outputPath, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.OfWeek(week, Zone);
        return GenerateAsync(ReportKind.Weekly, period, siteId, outputPath, cancellationToken, async ct =>
        {
            var report = await weekly.ReadAsync(siteId, week, ct);
            var title = siteId is null ? $"Weekly traffic report, {period.Label}" : $"Weekly traffic report for {report.SiteName}, {period.Label}";
            return (report, title, ReportViews.Weekly, ReportViews.WeeklyStylesheet);
        });
    }

    public Task<GeneratedReport> GenerateGovernorsAsync(DateOnly first, DateOnly last, string outputPath, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Of(first, last, Zone);
        return GenerateAsync(ReportKind.Governors, period, null, outputPath, cancellationToken, async ct =>
        {
            var report = await governors.ReadAsync(first, last, ct);
            return (report, $"Governors' report, {period.Label}", ReportViews.Governors, ReportViews.GovernorsStylesheet);
        });
    }

    /// <summary>
    /// Prints any view: <paramref name="read"/> gives the report's data (passed as the view's <c>Report</c> parameter),
    /// its title, the view and its stylesheet. Internal so tests can print a view of their own.
    /// </summary>
    internal async Task<GeneratedReport> GenerateAsync(
        ReportKind kind, ReportPeriod period, long? siteId, string outputPath, CancellationToken cancellationToken,
        Func<CancellationToken, Task<(object Report, string Title, Type View, string? Stylesheet)>> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var target = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new ReportOutputException($"The folder {folder} does not exist: the report is written only into an existing folder.");
        }

        printer.EnsureInstalled();
        var timeout = options.Value.Timeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var title = $"{(kind == ReportKind.Weekly ? "Weekly traffic report" : "Governors' report")}, {period.Label}";
        var work = Directory.CreateTempSubdirectory("cg-report-");
        var partial = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        await _oneAtATime.WaitAsync(limit.Token);
        try
        {
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
            if (SaveHtmlTo is { } copy)
            {
                File.Copy(htmlPath, copy, overwrite: true);
            }

            var furniture = new PageFurniture(await SchoolNameAsync(limit.Token), title, Generated(time.GetUtcNow()));
            try
            {
                await printer.PrintAsync(htmlPath, furniture, partial, limit.Token);
                File.Move(partial, target, overwrite: true);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException && ex is not FileNotFoundException)
            {
                throw new ReportOutputException($"The report could not be written to {target}: {ex.Message}", ex);
            }

            var (bytes, sha) = await HashAsync(target, limit.Token);
            PrintingLog.Printed(log, title, target, bytes, clock.Elapsed.TotalSeconds, dataSeconds, htmlSeconds, clock.Elapsed.TotalSeconds - dataSeconds - htmlSeconds);
            return new GeneratedReport(kind, period, title, target, bytes, sha, siteId);
        }
        catch (OperationCanceledException ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var failure = new ReportPrintingException($"The report took longer than Reports:Timeout ({timeout:c}) and was abandoned; try a shorter period, or raise Reports:Timeout.", ex);
            PrintingLog.Failed(log, title, failure.Message, ex);
            throw failure;
        }
        catch (ReportPrintingException ex)
        {
            PrintingLog.Failed(log, title, ex.Message, ex);
            throw;
        }
        finally
        {
            _oneAtATime.Release();
            File.Delete(partial);
            work.Delete(recursive: true);
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
