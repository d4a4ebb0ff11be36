namespace ClassroomGuard.Agent.Blanking;

/// <summary>
/// The lifecycle both platform blankers share: the blank windows live on one dedicated thread (X11 and user32 windows
/// belong to the thread that made them), started by <see cref="Blank"/> and stopped by <see cref="Unblank"/>. A new
/// message while blanked is picked up by the running thread (<see cref="Message"/>), without restarting it.
/// </summary>
public abstract class DedicatedThreadScreenBlanker : IScreenBlanker, IDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock gate = new();
    private readonly string threadName;
    private Thread? thread;
    private volatile bool stopping;
    private volatile string message = string.Empty;
    private volatile bool shown;

    /// <summary>Creates a blanker whose window thread is called <paramref name="threadName"/>.</summary>
    protected DedicatedThreadScreenBlanker(string threadName) => this.threadName = threadName;

    /// <inheritdoc/>
    public bool IsBlanked => shown;

    /// <summary>The message to show now; the window thread redraws when it changes.</summary>
    protected string Message => message;

    /// <summary>True once <see cref="Unblank"/> asked the window thread to take its windows down and end.</summary>
    protected bool Stopping => stopping;

    /// <inheritdoc/>
    public void Blank(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (gate)
        {
            this.message = message; // a running thread redraws with it at its next tick
            if (thread is { IsAlive: true })
            {
                return;
            }

            stopping = false;
            using var ready = new ManualResetEventSlim();
            thread = new Thread(() => Run(ready)) { IsBackground = true, Name = threadName };
            thread.Start();
            ready.Wait(StartStopTimeout);
        }
    }

    /// <inheritdoc/>
    public void Unblank()
    {
        lock (gate)
        {
            if (thread is null)
            {
                return;
            }

            stopping = true;
            thread.Join(StartStopTimeout);
            thread = null;
        }
    }

    /// <summary>Unblanks.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Unblanks when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Unblank();
        }
    }

    /// <summary>Records whether the windows are up (the window thread sets it).</summary>
    protected void SetShown(bool value) => shown = value;

    /// <summary>
    /// The window thread: put the windows up, set <paramref name="ready"/> (also on failure), keep them on top and
    /// redraw on <see cref="Message"/> changes until <see cref="Stopping"/>, then take them down.
    /// </summary>
    protected abstract void Run(ManualResetEventSlim ready);
}
