using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The bounded hand-off from the capture thread (<see cref="CircumventionDetector"/>) to the alert writer
/// (<see cref="CircumventionAlertWriter"/>): writing never blocks; when full, the attempt is dropped and counted.
/// </summary>
public sealed class CircumventionQueue
{
    private readonly Channel<CircumventionAttempt> _channel;

    /// <summary>Creates the queue with <see cref="CircumventionOptions.AlertQueueCapacity"/> places.</summary>
    public CircumventionQueue(IOptions<CircumventionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channel = Channel.CreateBounded<CircumventionAttempt>(new BoundedChannelOptions(options.Value.AlertQueueCapacity)
        {
            // Wait (not DropWrite, whose TryWrite reports success even as it drops): TryWrite never waits, it fails when full.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    /// <summary>The counters shared by the detector and the writer.</summary>
    public CircumventionStatistics Statistics { get; } = new();

    /// <summary>Where the writer reads.</summary>
    public ChannelReader<CircumventionAttempt> Reader => _channel.Reader;

    /// <summary>Queues an attempt; false (and counted) when the queue is full.</summary>
    public bool TryWrite(in CircumventionAttempt attempt)
    {
        if (!_channel.Writer.TryWrite(attempt))
        {
            Statistics.QueueFull++;
            return false;
        }

        Statistics.Queued++;
        return true;
    }
}
