using System.Threading.Channels;
using ClassroomGuard.Agent.Blanking;

namespace ClassroomGuard.Agent.Tests.Support;

/// <summary>A screen blanker that records what it was asked (the X11 one is tested on its own under Xvfb).</summary>
internal sealed class RecordingBlanker : IScreenBlanker
{
    private readonly Channel<(string Call, DateTimeOffset At)> calls = Channel.CreateUnbounded<(string, DateTimeOffset)>();

    public bool IsBlanked { get; private set; }

    public string? Message { get; private set; }

    public void Blank(string message)
    {
        IsBlanked = true;
        Message = message;
        calls.Writer.TryWrite(("blank", DateTimeOffset.UtcNow));
    }

    public void Unblank()
    {
        IsBlanked = false;
        calls.Writer.TryWrite(("unblank", DateTimeOffset.UtcNow));
    }

    /// <summary>Waits for the next call named <paramref name="call"/> (skipping others) and returns when it happened.</summary>
    public async Task<DateTimeOffset> NextAsync(string call, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var (name, at) = await calls.Reader.ReadAsync(cts.Token);
            if (name == call)
            {
                return at;
            }
        }
    }

    /// <summary>True when a call named <paramref name="call"/> arrives within <paramref name="timeout"/>.</summary>
    public async Task<bool> ArrivesAsync(string call, TimeSpan timeout)
    {
        try
        {
            await NextAsync(call, timeout);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
