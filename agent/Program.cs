using ClassroomGuard.Agent.Enrolment;
using ClassroomGuard.Agent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// ClassroomGuard.Agent [enrol] — settings from appsettings.json, /etc/classroomguard/agent.json, environment
// (Agent__ConsoleUrl) and the command line (--Agent:ConsoleUrl=…). "enrol" enrols, saves the credential and exits;
// without it the agent enrols if needed and then stays connected. Bad settings exit 78 (EX_CONFIG); a refused
// enrolment exits 77 (EX_NOPERM).
var enrolOnly = args.Length > 0 && args[0] == "enrol";
var builder = Host.CreateApplicationBuilder(enrolOnly ? args[1..] : args);
// CLASSROOMGUARD_CONFIG_DIR moves the folder, as for the appliance's services (packaging tests install into a temp root).
var configDirectory = Environment.GetEnvironmentVariable("CLASSROOMGUARD_CONFIG_DIR") is { Length: > 0 } dir ? dir : "/etc/classroomguard";
builder.Configuration.AddJsonFile(Path.Combine(configDirectory, "agent.json"), optional: true);
builder.Configuration.AddEnvironmentVariables();
builder.Configuration.AddCommandLine(enrolOnly ? args[1..] : args);
builder.Services.AddAgent();
try
{
    using var host = builder.Build();
    if (!enrolOnly)
    {
        await host.RunAsync();
        return Environment.ExitCode;
    }

    var options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
    var identity = await AgentService.EnsureEnrolledAsync(options, host.Services.GetRequiredService<AgentEnroller>(), CancellationToken.None);
    await Console.Out.WriteLineAsync(identity is null
        ? "Not enrolled: set Agent:EnrolmentToken to the room's token."
        : $"Enrolled as agent {identity.AgentId} in room {identity.RoomId}; console certificate pinned ({identity.CertificatePin}).");
    return identity is null ? 78 : 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Agent: invalid setting: " + string.Join(" ", ex.Failures));
    return 78;
}
catch (EnrolmentException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Agent: " + ex.Message);
    return 77;
}
