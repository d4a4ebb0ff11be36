namespace ClassroomGuard.Console.Policy.Why;

/// <summary>Registration of "why is this blocked?" and the blocklists page.</summary>
internal static class WhyServiceCollectionExtensions
{
    public static IServiceCollection AddWhyBlocked(this IServiceCollection services)
    {
        services.AddSingleton<DnsFilterClient>();
        services.AddScoped<WhyService>();
        services.AddScoped<ListsService>();
        return services;
    }
}
