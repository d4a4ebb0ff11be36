namespace ClassroomGuard.Console.Administration;

/// <summary>Registers the administration pages' services.</summary>
internal static class AdministrationServiceCollectionExtensions
{
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        services.AddScoped<AdminActions>();
        services.AddScoped<AdminQueries>();
        services.AddScoped<Kiosk.KioskCredentialsAdmin>(); // the room page's "Classroom displays" panel
        services.AddSingleton<EnrolmentCommand>();
        return services;
    }
}
