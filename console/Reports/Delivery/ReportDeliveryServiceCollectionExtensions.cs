namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>Registers the kept reports, their schedules and their e-mails, and maps the download endpoint.</summary>
internal static class ReportDeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddReportDelivery(this IServiceCollection services)
    {
        services.AddSingleton<ReportArchive>();
        services.AddSingleton<ReportMailer>();
        services.AddSingleton<ReportScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportScheduler>());
        services.AddSingleton<ReportsService>();
        services.AddSingleton<ReportStatusService>();
        return services;
    }

    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app) => ReportDownloads.Map(app);
}
