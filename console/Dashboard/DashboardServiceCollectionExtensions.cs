namespace ClassroomGuard.Console.Dashboard;

/// <summary>Registers the home page's services.</summary>
internal static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<SchoolOverviewReader>();
        services.AddSingleton<DashboardFeed>();
        services.AddScoped<DashboardService>();
        return services;
    }
}
