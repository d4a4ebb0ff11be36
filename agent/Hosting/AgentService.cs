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
    TimeProvider time,
    ILogger<AgentService> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(options.Value.ReconnectMinDelay, options.Value.ReconnectMaxDelay, Random.Shared);
        AgentIdentity? identity;
        while (true)
        {
            try
            {
                identity = await EnsureEnrolledAsync(options.Value, enroller, stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (EnrolmentException e) when (!e.Refused)
            {
                // The console is not reachable yet (network still coming up): keep trying, like a lost connection.
                var delay = backoff.Next();
                Log.ConnectionLost(logger, e.Message, delay);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (EnrolmentException e)
            {
                Log.EnrolmentRefused(logger, e.Message);
                Exit(77); // EX_NOPERM: only a new token helps; systemd does not restart on it
                return;
            }
        }

        if (identity is null)
        {
            Log.NotEnrolled(logger, options.Value.StatePath);
            Exit(78);
            return;
        }

        await connection.RunAsync(identity, stoppingToken).ConfigureAwait(false);
    }

    private void Exit(int code)
    {
        Environment.ExitCode = code;
        lifetime.StopApplication();
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
