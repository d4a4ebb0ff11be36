namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>Registers the incident log, its evidence copier and its settings (section <c>Incidents</c>).</summary>
internal static class IncidentsServiceCollectionExtensions
{
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddOptions<IncidentOptions>()
            .BindConfiguration(IncidentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<EvidenceCopier>();
        services.AddHostedService(sp => sp.GetRequiredService<EvidenceCopier>());
        services.AddScoped<IncidentService>(); // scoped: RoomAccess is (per request or circuit)
        return services;
    }
}
