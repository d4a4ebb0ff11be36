using ClassroomGuard.Agent.Blanking;
using ClassroomGuard.Agent.Blanking.X11;
using ClassroomGuard.Agent.Enrolment;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Agent.Hosting;

/// <summary>Registers the agent's services.</summary>
public static class AgentServiceCollectionExtensions
{
    /// <summary>Options (section <c>Agent</c>, validated at start), enrolment, the console connection, the platform's screen blanker.</summary>
    public static IServiceCollection AddAgent(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentEnroller>();
        services.AddSingleton<AgentConnection>();
        services.AddSingleton<BlankController>();
        if (OperatingSystem.IsWindows())
        {
            services.AddSingleton<IScreenBlanker, Blanking.Windows.WindowsScreenBlanker>();
        }
        else
        {
            services.AddSingleton<IScreenBlanker, X11ScreenBlanker>();
        }

        services.AddHostedService<AgentService>();
        return services;
    }
}
