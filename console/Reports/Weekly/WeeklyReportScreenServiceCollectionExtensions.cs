namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>Registers the weekly report's page service (the weekly-view part of issue #14).</summary>
internal static class WeeklyReportScreenServiceCollectionExtensions
{
    public static IServiceCollection AddWeeklyReportScreen(this IServiceCollection services)
    {
        services.AddScoped<WeeklyReportScreen>();
        return services;
    }
}
