namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>
/// The report stylesheets of console/wwwroot/reports/ (<c>report.css</c>: page set-up and shared rules; one per kind:
/// <c>weekly.css</c>, <c>governors.css</c>), built into the console's assembly so the printer inlines exactly the files
/// the pages link, wherever the program runs from (published or from its build folder).
/// </summary>
internal static class ReportStyles
{
    /// <summary>The shared stylesheet every report prints with.</summary>
    public const string Shared = "report.css";

    /// <summary>The text of stylesheet <paramref name="name"/> (for example <c>weekly.css</c>), or null when it is not built in.</summary>
    public static string? Read(string name)
    {
        using var stream = typeof(ReportStyles).Assembly.GetManifestResourceStream("ClassroomGuard.Console.reports." + name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
