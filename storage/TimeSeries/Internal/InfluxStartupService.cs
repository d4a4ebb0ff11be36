using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// Provisions InfluxDB in the background at start. A server that is down or refuses the credentials does not stop
/// the service (no crash loop): the cause is logged naming the URL, provisioning is retried with backoff (up to
/// every 5 minutes), and the writer spools meanwhile.
/// </summary>
internal sealed class InfluxStartupService : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);
    private readonly InfluxProvisioner _provisioner;
    private readonly InfluxOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public InfluxStartupService(InfluxProvisioner provisioner, IOptions<InfluxOptions> options, ILogger<InfluxProvisioner> logger, TimeProvider time)
    {
        _provisioner = provisioner;
        _options = options.Value;
        _logger = logger;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Provision)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _provisioner.ProvisionAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never let provisioning stop the host: DNS must keep answering while InfluxDB is away.
                Log.ProvisionFailed(_logger, delay, ex.Message);
            }

            await Task.Delay(delay, _time, stoppingToken);
            delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
        }
    }
}
