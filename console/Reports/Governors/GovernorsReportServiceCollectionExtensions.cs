namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>Registers the governors' report's reader.</summary>
internal static class GovernorsReportServiceCollectionExtensions
{
    public static IServiceCollection AddGovernorsReport(this IServiceCollection services)
    {
        services.AddSingleton<GovernorsReportReader>();
        return services;
    }
}
