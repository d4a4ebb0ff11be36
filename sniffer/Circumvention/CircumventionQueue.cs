using System.Threading.Channels;
using ClassroomGuard.Sniffer.Accounting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The bounded hand-off from the capture thread (<see cref="CircumventionDetector"/>) to the alert writer
/// (<see cref="CircumventionAlertWriter"/>): writing never blocks; when full, the attempt is dropped and counted. Each
/// attempt is stamped with device discovery's progress (<see cref="DiscoveryProgress.Queued"/>) as it is queued, so the
/// writer can attribute it once discovery has written everything seen up to that packet.
/// </summary>
public sealed class CircumventionQueue
{
    private readonly Channel<CircumventionAttempt> _channel;

    /// <summary>
    /// Creates the queue with <see cref="CircumventionOptions.AlertQueueCapacity"/> places; <paramref name="discovery"/>
    /// is device discovery's progress when discovery runs (the service always has it).
    /// </summary>
    public CircumventionQueue(IOptions<CircumventionOptions> options, DiscoveryProgress? discovery = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Discovery = discovery;
        _channel = Channel.CreateBounded<CircumventionAttempt>(new BoundedChannelOptions(options.Value.AlertQueueCapacity)
        {
            // Wait (not DropWrite, whose TryWrite reports success even as it drops): TryWrite never waits, it fails when full.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    /// <summary>Device discovery's progress, when discovery runs.</summary>
    public DiscoveryProgress? Discovery { get; }

    /// <summary>The counters shared by the detector and the writer.</summary>
    public CircumventionStatistics Statistics { get; } = new();

    /// <summary>Where the writer reads.</summary>
    public ChannelReader<CircumventionAttempt> Reader => _channel.Reader;

    /// <summary>Queues an attempt (capture thread); false (and counted) when the queue is full.</summary>
    public bool TryWrite(in CircumventionAttempt attempt)
    {
        // The discovery sink runs before the detector for each packet: this count covers the attempt's own packet too.
        var stamped = Discovery is { } discovery ? attempt with { DiscoverySequence = discovery.Queued } : attempt;
        if (!_channel.Writer.TryWrite(stamped))
        {
            Statistics.QueueFull++;
            return false;
        }

        Statistics.Queued++;
        return true;
    }
}
