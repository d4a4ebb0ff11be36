using System.Threading.Channels;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// What the list refresher is doing now (the rest is on disk beside the lists): whether a round is running, when the
/// next is due; and the way in for "refresh now" (the control socket's <c>RefreshLists</c>) and "the school's feeds
/// changed".
/// </summary>
public sealed class ListRefreshStatus
{
    private readonly Channel<bool> _requests = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private long _nextTicks;
    private int _inProgress;

    /// <summary>True when the refresher runs (the school policy is on and a list directory is known).</summary>
    public bool Enabled { get; internal set; }

    /// <summary>A download or reload is running now.</summary>
    public bool InProgress => Volatile.Read(ref _inProgress) != 0;

    /// <summary>When the next round is due (null: none planned).</summary>
    public DateTimeOffset? Next
    {
        get
        {
            var ticks = Interlocked.Read(ref _nextTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
        internal set => Interlocked.Exchange(ref _nextTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>Asks for every source to be fetched now (as the daily refresh does). Returns at once.</summary>
    public void RequestRefresh() => _requests.Writer.TryWrite(true);

    /// <summary>Asks the refresher to look again at which sources are due (new feeds are fetched; nothing else is forced).</summary>
    public void RequestCheck() => _requests.Writer.TryWrite(false);

    internal void SetInProgress(bool value) => Volatile.Write(ref _inProgress, value ? 1 : 0);

    internal ChannelReader<bool> Requests => _requests.Reader;
}
