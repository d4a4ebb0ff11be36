namespace ClassroomGuard.Console.Upstreams;

/// <summary>Registers the upstream resolvers' probe (technician's home tile, <c>/healthz</c> "upstreams").</summary>
internal static class UpstreamsServiceCollectionExtensions
{
    public static IServiceCollection AddUpstreamProbe(this IServiceCollection services)
    {
        services.AddOptions<UpstreamProbeOptions>()
            .BindConfiguration(UpstreamProbeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<UpstreamProber>();
        services.AddSingleton<UpstreamMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<UpstreamMonitor>());
        return services;
    }
}
