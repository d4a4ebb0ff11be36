namespace ClassroomGuard.Console.ChangeLog;

/// <summary>Registers change control's console services: the log, the pending count, expiry.</summary>
internal static class ChangeLogServiceCollectionExtensions
{
    public static IServiceCollection AddChangeLog(this IServiceCollection services)
    {
        services.AddOptions<ChangeControlOptions>()
            .BindConfiguration(ChangeControlOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ChangeLogService>();
        services.AddSingleton<PendingChangesFeed>();
        services.AddSingleton<ChangeExpiryService>();
        services.AddHostedService(s => s.GetRequiredService<ChangeExpiryService>());
        return services;
    }
}
