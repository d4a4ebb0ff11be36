namespace ClassroomGuard.Console.Agents;

/// <summary>
/// Wakes <see cref="AgentPushService"/> at once. The revision watcher would wake it too, but only on its next poll (up
/// to 250 ms later); a teacher's blank in this process needs no poll to know the state changed.
/// </summary>
internal sealed class AgentPushTrigger : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Asks for a push as soon as the service is free. Several wakes before it runs coalesce into one push.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Waits for a <see cref="Wake"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _wake.WaitAsync(cancellationToken);

    /// <summary>Consumes wakes that arrived while a push ran (they are covered by the push that follows).</summary>
    public void Drain()
    {
        while (_wake.Wait(0))
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _wake.Dispose();
}
