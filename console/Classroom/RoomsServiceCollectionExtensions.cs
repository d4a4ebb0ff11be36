using ClassroomGuard.Console.Administration;

namespace ClassroomGuard.Console.Classroom;

/// <summary>Registers teachers' rooms, saved focus lists, lesson focus and the agent reset.</summary>
internal static class RoomsServiceCollectionExtensions
{
    public static IServiceCollection AddTeacherRooms(this IServiceCollection services)
    {
        services.AddScoped<TeacherRoomsAdmin>();
        services.AddScoped<FocusListsAdmin>();
        services.AddScoped<AgentReset>();
        services.AddScoped<LessonFocus>();
        return services;
    }
}
