namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>
/// The Razor views the printer renders (the same components the console's report pages show, with <c>Print=true</c>)
/// and the stylesheet of each kind (console/wwwroot/reports/). Each takes <c>Report</c> and <c>Print</c> parameters.
/// </summary>
internal static class ReportViews
{
    public const string WeeklyStylesheet = "weekly.css";

    public const string GovernorsStylesheet = "governors.css";

    public static Type Weekly => View("ClassroomGuard.Console.Components.Pages.Reports.Weekly.WeeklyReportView");

    public static Type Governors => View("ClassroomGuard.Console.Components.Pages.Reports.Governors.GovernorsReportView");

    // TODO(issue #14, merge): typeof(WeeklyReportView) / typeof(GovernorsReportView) once the views are on main.
    private static Type View(string name) => typeof(ReportViews).Assembly.GetType(name)
        ?? throw new ReportPrintingException($"The report view {name} is not built into this console yet.");
}
