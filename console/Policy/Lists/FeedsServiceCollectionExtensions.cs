namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>Registration of the Blocklists page's feeds, the lists probe (home page alarm, <c>/healthz</c>).</summary>
internal static class FeedsServiceCollectionExtensions
{
    public static IServiceCollection AddListFeeds(this IServiceCollection services)
    {
        services.AddScoped<FeedEditor>();
        services.AddSingleton<ListsProbe>();
        return services;
    }
}
