using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Storage.Hosting;

/// <summary>The one call every ClassroomGuard service makes to get its storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite state store (section <c>State</c>) and the InfluxDB time-series client
    /// (section <c>Influx</c>), both validated when the host starts.
    /// </summary>
    public static IServiceCollection AddClassroomGuardStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddStateStore(configuration);
        services.AddInfluxTimeSeries();
        return services;
    }
}
