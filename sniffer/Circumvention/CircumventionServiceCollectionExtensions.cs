using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>Registers circumvention detection.</summary>
public static class CircumventionServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="CircumventionOptions"/> (section <c>Sniffer:Circumvention</c>, and <c>Sniffer:LocalNetworks</c>;
    /// validated at start) and, unless
    /// <c>Sniffer:Circumvention:Enabled</c> is false, the state store (section <c>State</c>), the
    /// <see cref="CircumventionDetector"/> as an <see cref="IPacketSink"/> and the <see cref="CircumventionAlertWriter"/>.
    /// </summary>
    public static IServiceCollection AddCircumventionDetection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CircumventionOptions>()
            .BindConfiguration(CircumventionOptions.SectionName)
            .Configure(o => o.LocalNetworks = configuration.GetSection(CircumventionOptions.LocalNetworksKey).Get<List<string>>())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CircumventionOptions>, CircumventionOptionsValidator>());
        if (!configuration.GetValue(CircumventionOptions.SectionName + ":" + nameof(CircumventionOptions.Enabled), true))
        {
            return services;
        }

        services.AddStateStore(configuration);
        services.TryAddSingleton<CircumventionSetup>();
        services.TryAddSingleton<CircumventionQueue>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPacketSink, CircumventionDetector>());
        services.AddHostedService<CircumventionAlertWriter>();
        return services;
    }
}
