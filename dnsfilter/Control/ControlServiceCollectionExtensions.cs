using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.DnsFilter.Control;

/// <summary>DI registration of the control socket.</summary>
public static class ControlServiceCollectionExtensions
{
    /// <summary>
    /// Registers the control socket (<c>Dns:ControlSocket</c>, default <c>dnsfilter.sock</c> beside <c>State:Path</c>) and
    /// what answers on it. Call after <c>AddDnsPolicy</c>, so the lists and policy are loaded before it listens.
    /// </summary>
    public static IServiceCollection AddDnsFilterControl(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyExplainer>();
        services.TryAddSingleton<ControlServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ControlServer>());
        return services;
    }
}
