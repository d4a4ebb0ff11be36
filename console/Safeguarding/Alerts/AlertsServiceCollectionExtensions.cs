using ClassroomGuard.Console.Mail;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Registers the alerts page's service, the alert e-mails and the mail sender (sections <c>Safeguarding</c>, <c>Mail</c>).</summary>
internal static class AlertsServiceCollectionExtensions
{
    public static IServiceCollection AddSafeguardingAlerts(this IServiceCollection services)
    {
        services.AddOptions<SafeguardingOptions>()
            .BindConfiguration(SafeguardingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<MailOptions>()
            .BindConfiguration(MailOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<AlertSeverities>();
        services.AddSingleton<AlertsService>();
        services.AddSingleton<AlertsCountFeed>();
        services.AddSingleton<MailSignal>();
        services.AddSingleton<MailStatusService>();
        services.AddSingleton<UserEmailAdmin>();
        services.AddSingleton<MailSender>();
        services.AddSingleton<AlertMailer>();
        services.AddHostedService(p => p.GetRequiredService<MailSender>());
        services.AddHostedService(p => p.GetRequiredService<AlertMailer>());
        services.AddHostedService(p => p.GetRequiredService<AlertsCountFeed>());
        return services;
    }
}
