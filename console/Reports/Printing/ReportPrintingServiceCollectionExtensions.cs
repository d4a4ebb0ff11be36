namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>Registers the report generator (Razor view to HTML to PDF through headless Chromium).</summary>
internal static class ReportPrintingServiceCollectionExtensions
{
    public static IServiceCollection AddReportPrinting(this IServiceCollection services)
    {
        services.AddSingleton<ReportHtmlWriter>();
        services.AddSingleton<ChromiumPrinter>();
        services.AddSingleton<ReportGenerator>();
        services.AddSingleton<IReportGenerator>(sp => sp.GetRequiredService<ReportGenerator>());
        return services;
    }
}
