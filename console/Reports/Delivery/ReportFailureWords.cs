using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// Why a report could not be generated, as a fixed sentence for the person (the dialog, the download's answer, the
/// technician's home): never an exception's own text, which can carry SQL errors or full paths. The detail goes to the
/// log only.
/// </summary>
internal static class ReportFailureWords
{
    public const string Unexpected = "an unexpected error; the console's log has the detail";

    public static string Of(Exception e) => e switch
    {
        OperationCanceledException or TimeoutException => "it took longer than Reports:Timeout allows",
        ChromiumUnavailableException => "Chromium, which prints the PDF, is missing or stopped while printing (Reports:ChromiumPath)",
        ReportOutputException or IOException or UnauthorizedAccessException => "the reports folder (Reports:Directory) could not be written",
        InfluxException or HttpRequestException => "the traffic database (InfluxDB) could not be reached",
        _ => Unexpected,
    };
}
