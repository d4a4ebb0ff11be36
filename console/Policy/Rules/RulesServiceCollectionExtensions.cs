namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>Registers the services behind "who is in which group" and the allow and deny lists.</summary>
internal static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddPolicyRules(this IServiceCollection services)
    {
        services.AddScoped<RulesAccess>();
        services.AddScoped<MembershipService>();
        services.AddScoped<DomainRulesService>();
        services.AddScoped<RulesWithdrawal>();
        return services;
    }
}
