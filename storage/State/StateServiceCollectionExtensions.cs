using ClassroomGuard.Storage.State.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.State;

/// <summary>Registers the state store.</summary>
public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StateOptions"/> to the <c>State</c> section of <paramref name="configuration"/> (validated at
    /// start: a bad value stops start-up naming the setting), and registers <see cref="StateStore"/> as a singleton
    /// that is opened and migrated when the host starts, so a bad database also stops start-up with a clear message.
    /// </summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StateOptions>()
            .Bind(configuration.GetSection(StateOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateOptions>, StateOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => StateStore.Open(
            sp.GetRequiredService<IOptions<StateOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StateStoreStartup>());
        return services;
    }
}
