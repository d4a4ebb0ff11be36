using ClassroomGuard.Console.Components.Pages.Reports.Governors;
using ClassroomGuard.Console.Components.Pages.Reports.Weekly;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>
/// The Razor views the printer renders (the same components the console's report pages show, with <c>Print=true</c>)
/// and the stylesheet of each kind (console/wwwroot/reports/). Each takes <c>Report</c> and <c>Print</c> parameters.
/// </summary>
internal static class ReportViews
{
    public const string WeeklyStylesheet = "weekly.css";

    public const string GovernorsStylesheet = "governors.css";

    public static Type Weekly => typeof(WeeklyReportView);

    public static Type Governors => typeof(GovernorsReportView);
}
