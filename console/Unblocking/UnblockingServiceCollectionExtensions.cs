namespace ClassroomGuard.Console.Unblocking;

/// <summary>Registers teachers' unblock requests and their settings (section <c>Classroom</c>).</summary>
internal static class UnblockingServiceCollectionExtensions
{
    public static IServiceCollection AddUnblocking(this IServiceCollection services)
    {
        services.AddOptions<ClassroomOptions>()
            .BindConfiguration(ClassroomOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<UnblockTimes>();
        services.AddSingleton<UnblockFeed>();
        services.AddScoped<UnblockService>(); // scoped: RoomAccess is (per request or circuit)
        return services;
    }
}
