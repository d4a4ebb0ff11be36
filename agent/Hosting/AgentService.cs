using ClassroomGuard.Agent.Enrolment;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Agent.Hosting;

/// <summary>The agent's one background job: enrol if not yet enrolled, then hold the console connection.</summary>
public sealed class AgentService(
    IOptions<AgentOptions> options,
    AgentEnroller enroller,
    AgentConnection connection,
    IHostApplicationLifetime lifetime,
    ILogger<AgentService> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var identity = await EnsureEnrolledAsync(options.Value, enroller, stoppingToken).ConfigureAwait(false);
        if (identity is null)
        {
            Log.NotEnrolled(logger, options.Value.StatePath);
            Environment.ExitCode = 78;
            lifetime.StopApplication();
            return;
        }

        await connection.RunAsync(identity, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>The saved identity, or a new one from enrolling with <see cref="AgentOptions.EnrolmentToken"/>; null when neither exists.</summary>
    /// <exception cref="EnrolmentException">The token was refused or the console unreachable.</exception>
    public static async Task<AgentIdentity?> EnsureEnrolledAsync(AgentOptions options, AgentEnroller enroller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(enroller);
        var saved = AgentIdentity.Load(options.StatePath);
        if (saved is not null && saved.ConsoleUrl == options.ConsoleUri.ToString())
        {
            return saved;
        }

        if (string.IsNullOrWhiteSpace(options.EnrolmentToken))
        {
            return null;
        }

        var identity = await enroller.EnrolAsync(options.ConsoleUri, options.EnrolmentToken, options.ExpectedConsolePin, AgentReport.Collect(), cancellationToken).ConfigureAwait(false);
        identity.Save(options.StatePath);
        return identity;
    }
}
