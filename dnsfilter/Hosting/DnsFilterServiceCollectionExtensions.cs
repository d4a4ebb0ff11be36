using ClassroomGuard.DnsFilter.Caching;
using ClassroomGuard.DnsFilter.Control;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Lists.Fetching;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Upstream;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Hosting;

/// <summary>DI registration of the DNS filter.</summary>
public static class DnsFilterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the DNS server, forwarder, cache and counters, with <see cref="DnsOptions"/> bound from the <c>Dns</c>
    /// section and validated at start. The policy (<see cref="IDnsPolicy"/>, default pass-through) and the whole
    /// query handler (<see cref="IDnsQueryHandler"/>) are registered with TryAdd: register yours first to replace them.
    /// </summary>
    public static IServiceCollection AddDnsFilter(this IServiceCollection services)
    {
        services.AddDnsPolicy(); // school policy (when configured): registered first so it wins the TryAdds and starts before the server
        services.AddOptions<DnsOptions>()
            .BindConfiguration(DnsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsOptions>, DnsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DnsCounters>();
        services.TryAddSingleton<DnsCache>();
        services.TryAddSingleton<DnsForwarder>();
        services.TryAddSingleton<IDnsResolver, CachingResolver>();
        services.TryAddSingleton<IDnsPolicy, PassThroughDnsPolicy>();
        services.TryAddSingleton<IDnsQueryHandler, PolicyQueryHandler>();
        services.TryAddSingleton<DnsQueryProcessor>();
        services.TryAddSingleton<DnsServer>();
        services.AddHostedService(sp => sp.GetRequiredService<DnsServer>());
        services.AddListRefresh(); // downloads, checks and swaps in UT1 and the feeds in the background (with the school policy)
        services.AddDnsFilterControl(); // the console's "why is this blocked?" (a local socket), after the policy has loaded
        services.AddServiceHealth<DnsHealthSource>(); // once-a-minute service_health point, when InfluxDB is configured
        return services;
    }
}
