using System.Threading.Channels;

namespace ClassroomGuard.Console.Mail;

/// <summary>Wakes the <see cref="MailSender"/> when a message is queued, so it goes now instead of at the next round.</summary>
public sealed class MailSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Says a message waits (never blocks; one pending wake-up is enough).</summary>
    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits until notified or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, linked.Token);
        var read = channel.Reader.WaitToReadAsync(linked.Token).AsTask();
        await Task.WhenAny(delay, read);
        await linked.CancelAsync();
        channel.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
