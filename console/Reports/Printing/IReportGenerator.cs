using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>A report printed to a PDF file.</summary>
/// <param name="Kind">Weekly or governors'.</param>
/// <param name="Period">The days it covers.</param>
/// <param name="Title">"Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026" — as a person reads it (mail subject, list).</param>
/// <param name="Path">The PDF's full path.</param>
/// <param name="Bytes">The PDF's size.</param>
/// <param name="Sha256">The PDF's SHA-256, lower-case hex.</param>
/// <param name="SiteId">The site of a weekly report (null: the whole appliance, and every governors' report).</param>
public sealed record GeneratedReport(ReportKind Kind, ReportPeriod Period, string Title, string Path, long Bytes, string Sha256, long? SiteId);

/// <summary>
/// Reads a report's data, renders its Razor view (the one the console shows) to HTML and prints it to an A4 PDF with
/// headless Chromium. Used by the schedule, the Reports page and the <c>report</c> command alike.
/// </summary>
public interface IReportGenerator
{
    /// <summary>The weekly traffic report of <paramref name="siteId"/> (null: the whole appliance) for <paramref name="week"/>, printed to <paramref name="outputPath"/>.</summary>
    Task<GeneratedReport> GenerateWeeklyAsync(long? siteId, IsoWeek week, string outputPath, CancellationToken cancellationToken);

    /// <summary>The governors' report for the days <paramref name="first"/> to <paramref name="last"/>, printed to <paramref name="outputPath"/>.</summary>
    Task<GeneratedReport> GenerateGovernorsAsync(DateOnly first, DateOnly last, string outputPath, CancellationToken cancellationToken);
}
