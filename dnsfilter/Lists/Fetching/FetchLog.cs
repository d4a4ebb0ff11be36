using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>Log lines of list fetching and refreshing (EventIds 340-379). URLs are always shown without credentials.</summary>
internal static partial class FetchLog
{
    [LoggerMessage(340, LogLevel.Information, "Fetching {Source} from {Url}")]
    public static partial void Fetching(ILogger logger, string source, string url);

    [LoggerMessage(341, LogLevel.Information, "{Source}: {Message}")]
    public static partial void Fetched(ILogger logger, string source, string message);

    [LoggerMessage(342, LogLevel.Warning, "{Source} from {Url} refused or failed; the last good copy stays in force: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string source, string url, string reason);

    [LoggerMessage(343, LogLevel.Information, "{Source}: {Note}")]
    public static partial void FetchNote(ILogger logger, string source, string note);

    [LoggerMessage(344, LogLevel.Warning, "Lists every school must block are NOT loaded: {Missing}. Pupils can reach these sites until a download succeeds (see docs/lists.md)")]
    public static partial void RequiredMissing(ILogger logger, string missing);

    [LoggerMessage(345, LogLevel.Information, "Every list a school must block is loaded ({Version})")]
    public static partial void RequiredPresent(ILogger logger, string version);

    [LoggerMessage(346, LogLevel.Error, "Reloading the lists failed; the previous lists stay in force and the next round tries again")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(347, LogLevel.Warning, "Could not raise the technician alert about {Source}: {Reason}")]
    public static partial void AlertFailed(ILogger logger, string source, string reason, Exception exception);

    [LoggerMessage(348, LogLevel.Information, "Next list refresh at {Next:u}")]
    public static partial void NextRefresh(ILogger logger, DateTimeOffset next);

    [LoggerMessage(349, LogLevel.Information, "List refresh asked for over the control socket")]
    public static partial void RefreshRequested(ILogger logger);

    [LoggerMessage(350, LogLevel.Warning, "Could not remove the old list version {Path}")]
    public static partial void PruneFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(351, LogLevel.Error, "The list refresher stopped a round on an unexpected error; it tries again later")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(352, LogLevel.Information, "{Source}: waiting for another download to finish (it holds {Lock})")]
    public static partial void WaitingForLock(ILogger logger, string source, string @lock);

    [LoggerMessage(353, LogLevel.Warning, "{Source}: the address {Url} sends its user name and password over plain http, readable on the network: use https")]
    public static partial void CredentialsInClear(ILogger logger, string source, string url);
}
