using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>Registration of "why is this blocked?", the blocklists page and the block page.</summary>
internal static class WhyServiceCollectionExtensions
{
    public static IServiceCollection AddWhyBlocked(this IServiceCollection services)
    {
        services.AddSingleton<DnsFilterClient>();
        services.AddScoped<WhyService>();
        services.AddScoped<ListsService>();
        services.AddOptions<BlockPageOptions>().BindConfiguration("Console");
        services.AddSingleton<BlockPage>();
        services.AddTransient<IConfigureOptions<KestrelServerOptions>, BlockPageKestrel>();
        services.AddTransient<IStartupFilter, BlockPageStartupFilter>();
        return services;
    }
}
