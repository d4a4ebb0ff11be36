using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>Registers the sniffer.</summary>
public static class SnifferServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SnifferOptions"/> (section <c>Sniffer</c>, validated at start), the capture service, an
    /// <see cref="IPacketSink"/> that logs facts at Debug level, and the accounting (<see cref="AddSnifferAccounting"/>). Every <see cref="IPacketSink"/> registered (accounting,
    /// discovery, circumvention detection: <c>services.AddSingleton&lt;IPacketSink, T&gt;()</c>) receives every fact, in
    /// registration order, through one <see cref="CompositePacketSink"/>.
    /// </summary>
    public static IServiceCollection AddSniffer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SnifferOptions>()
            .BindConfiguration(SnifferOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPacketSink, LoggingPacketSink>());
        services.AddSnifferAccounting();
        services.TryAddSingleton<SnifferHealthSource>();
        services.TryAddSingleton<IServiceHealthSource>(provider => provider.GetRequiredService<SnifferHealthSource>());
        services.AddServiceHealth<SnifferHealthSource>(); // once-a-minute service_health point, when InfluxDB is configured
        services.AddHostedService<SnifferService>();
        return services;
    }

    /// <summary>
    /// Adds the accounting (<see cref="TrafficAccountant"/>) and device discovery (<see cref="DeviceDiscovery"/>) as packet
    /// sinks, with <see cref="AccountingOptions"/> (section <c>Sniffer</c>, validated at start) and the service that
    /// flushes them once a second to the <c>InfluxWriter</c> and the <c>StateStore</c> when those are registered. Called
    /// by <see cref="AddSniffer"/> before the capture service, so at stop it runs after the capture has ended.
    /// </summary>
    public static IServiceCollection AddSnifferAccounting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AccountingOptions>()
            .BindConfiguration(AccountingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TrafficAccountant>();
        services.TryAddSingleton<DiscoveryProgress>();
        services.TryAddSingleton<DeviceDiscovery>();
        services.TryAddSingleton<DeviceMap>();
        services.TryAddSingleton<NetActivityFlusher>();
        services.TryAddSingleton<DiscoveryWriter>();
        services.AddSingleton<IPacketSink>(provider => provider.GetRequiredService<TrafficAccountant>());
        services.AddSingleton<IPacketSink>(provider => provider.GetRequiredService<DeviceDiscovery>());
        services.AddHostedService<AccountingService>();
        return services;
    }
}
