namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>Registers the governors' report's reader and the page's service.</summary>
internal static class GovernorsReportServiceCollectionExtensions
{
    public static IServiceCollection AddGovernorsReport(this IServiceCollection services)
    {
        services.AddSingleton<GovernorsReportReader>();
        services.AddSingleton<GovernorsReportService>();
        return services;
    }
}
