namespace ClassroomGuard.Console.Policy;

/// <summary>Registers the policy editor's services (groups and the school calendar).</summary>
internal static class PolicyEditorServiceCollectionExtensions
{
    public static IServiceCollection AddPolicyEditor(this IServiceCollection services)
    {
        services.AddScoped<PolicyEditor>();
        return services;
    }
}
