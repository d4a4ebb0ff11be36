namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>Registers the block history: the InfluxDB reader, the service, and (<see cref="MapBlockHistoryEndpoints"/>) its CSV export.</summary>
internal static class BlockHistoryServiceCollectionExtensions
{
    public static IServiceCollection AddBlockHistory(this IServiceCollection services)
    {
        services.AddSingleton<BlockHistoryReader>();
        services.AddSingleton<BlockHistoryService>();
        return services;
    }

    public static IEndpointRouteBuilder MapBlockHistoryEndpoints(this IEndpointRouteBuilder endpoints)
        => BlockHistoryCsv.Map(endpoints);
}
