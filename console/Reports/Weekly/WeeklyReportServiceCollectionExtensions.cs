using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.Console.Reports.Weekly;

/// <summary>Registers the weekly traffic report's reader and the hourly report rollup it reads.</summary>
internal static class WeeklyReportServiceCollectionExtensions
{
    public static IServiceCollection AddWeeklyReport(this IServiceCollection services)
    {
        services.AddSingleton<WeeklyReportReader>();
        services.TryAddSingleton<ReportRollup>();
        services.TryAddSingleton<RollupBackfill>();
        services.AddSingleton<ReportRollupService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportRollupService>());
        services.AddWeeklyReportScreen();
        return services;
    }
}
