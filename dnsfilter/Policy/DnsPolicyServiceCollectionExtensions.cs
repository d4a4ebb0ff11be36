using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>DI registration of the school policy.</summary>
public static class DnsPolicyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the school policy (<c>Dns:Policy</c>, <c>Dns:Lists</c>, <c>State</c> settings, validated at start) as the
    /// <see cref="IDnsPolicy"/> and <see cref="IDnsQueryHandler"/> when <see cref="PolicyService.IsEnabled"/> (otherwise
    /// the pass-through defaults stay), and <see cref="PolicyService"/>, which must start before the DNS server: call
    /// this before the server's hosted service is added (<c>AddDnsFilter</c> does).
    /// </summary>
    public static IServiceCollection AddDnsPolicy(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DnsPolicyOptions>().BindConfiguration(DnsPolicyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DnsListOptions>().BindConfiguration(DnsListOptions.SectionName).ValidateOnStart();
        services.AddOptions<StateOptions>().BindConfiguration(StateOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsPolicyOptions>, DnsPolicyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsListOptions>, DnsListOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyCounters>();
        services.TryAddSingleton<DnsActivity>();
        services.TryAddSingleton<SchoolDnsPolicy>();
        services.TryAddSingleton<SchoolQueryHandler>();
        services.TryAddSingleton<PolicyService>();
        services.TryAddSingleton<IDnsPolicy>(sp => Enabled(sp) ? sp.GetRequiredService<SchoolDnsPolicy>() : new PassThroughDnsPolicy());
        services.TryAddSingleton<IDnsQueryHandler>(sp => Enabled(sp)
            ? sp.GetRequiredService<SchoolQueryHandler>()
            : ActivatorUtilities.CreateInstance<PolicyQueryHandler>(sp));
        services.AddHostedService(sp => sp.GetRequiredService<PolicyService>());
        return services;
    }

    private static bool Enabled(IServiceProvider services)
        => PolicyService.IsEnabled(services.GetRequiredService<IOptions<DnsPolicyOptions>>().Value, services.GetRequiredService<IConfiguration>());
}
