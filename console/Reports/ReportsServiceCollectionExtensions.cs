using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Reports.Governors;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Console.Reports.Weekly;

namespace ClassroomGuard.Console.Reports;

/// <summary>Registers the reports (section <c>Reports</c>): each part registers its own services.</summary>
internal static class ReportsServiceCollectionExtensions
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>()
            .BindConfiguration(ReportOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddWeeklyReport();
        services.AddGovernorsReport();
        services.AddReportPrinting();
        services.AddReportDelivery();
        return services;
    }

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapReportDownloads();
        return app;
    }
}
