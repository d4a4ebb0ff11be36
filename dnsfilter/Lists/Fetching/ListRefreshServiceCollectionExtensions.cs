using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>DI registration of the list refresher.</summary>
public static class ListRefreshServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ListRefreshService"/> (it runs only with the school policy) and its <see cref="ListRefreshStatus"/>
    /// (the lists reply's health and the control socket's "refresh now"). Call after <c>AddDnsPolicy</c>.
    /// </summary>
    public static IServiceCollection AddListRefresh(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ListRefreshStatus>();
        services.TryAddSingleton<ListRefreshService>();
        services.AddHostedService(sp => sp.GetRequiredService<ListRefreshService>());
        return services;
    }
}
