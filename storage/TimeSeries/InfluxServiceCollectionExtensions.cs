using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>Registers the InfluxDB time-series client.</summary>
public static class InfluxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InfluxOptions"/> (section <c>Influx</c>, validated at start), <see cref="InfluxConnection"/>,
    /// <see cref="InfluxWriter"/> (also a hosted service: its loop starts and stops with the host),
    /// <see cref="InfluxReader"/>, <see cref="InfluxProvisioner"/> and, when <see cref="InfluxOptions.Provision"/> is on,
    /// background provisioning at start. Uses the registered <see cref="TimeProvider"/> (the system clock if none).
    /// </summary>
    public static IServiceCollection AddInfluxTimeSeries(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InfluxOptions>()
            .BindConfiguration(InfluxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InfluxConnection>();
        services.TryAddSingleton<InfluxReader>();
        services.TryAddSingleton<InfluxProvisioner>();
        services.TryAddSingleton<InfluxWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<InfluxWriter>());
        services.AddHostedService<InfluxStartupService>();
        return services;
    }
}
