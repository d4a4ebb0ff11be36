namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>Registers the weekly traffic report's reader (and the hourly rollups it reads).</summary>
internal static class WeeklyReportServiceCollectionExtensions
{
    public static IServiceCollection AddWeeklyReport(this IServiceCollection services)
    {
        services.AddSingleton<WeeklyReportReader>();
        services.AddWeeklyReportScreen();
        return services;
    }
}
