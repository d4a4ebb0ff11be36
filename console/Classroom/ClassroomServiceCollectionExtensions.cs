namespace ClassroomGuard.Console.Classroom;

/// <summary>Registers the live classroom view and the teacher's actions.</summary>
internal static class ClassroomServiceCollectionExtensions
{
    public static IServiceCollection AddClassroomLive(this IServiceCollection services)
    {
        services.AddSingleton<SchoolClock>();
        services.AddSingleton<RoomSnapshotReader>();
        services.AddSingleton<RoomFeeds>();
        services.AddSingleton<RoomCounts>();
        services.AddScoped<ClassroomView>(); // scoped: RoomAccess is (per request or circuit)
        services.AddScoped<ClassroomActions>();
        return services;
    }
}
