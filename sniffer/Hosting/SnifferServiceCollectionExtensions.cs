using ClassroomGuard.Sniffer.Decoding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>Registers the sniffer.</summary>
public static class SnifferServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SnifferOptions"/> (section <c>Sniffer</c>, validated at start), the capture service and an
    /// <see cref="IPacketSink"/> that logs facts at Debug level. Every <see cref="IPacketSink"/> registered (accounting,
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
        services.AddHostedService<SnifferService>();
        return services;
    }
}
