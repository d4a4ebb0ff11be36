namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>The governors' report's log messages (EventIds 3340–3379).</summary>
internal static partial class GovernorsLog
{
    [LoggerMessage(3340, LogLevel.Information, "Governors' report read for {First} to {Last}: {Changes} change(s), chain intact {Intact}, head entry {HeadSequence}")]
    public static partial void Read(ILogger logger, DateOnly first, DateOnly last, int changes, bool intact, long headSequence);

    [LoggerMessage(3341, LogLevel.Error, "Governors' report for {First} to {Last}: the change-control log does not verify: {Problem}")]
    public static partial void ChainBroken(ILogger logger, DateOnly first, DateOnly last, string problem);

    [LoggerMessage(3342, LogLevel.Warning, "Governors' report for {First} to {Last}: the DNS filter could not be asked for its lists: {Reason}")]
    public static partial void ListsUnknown(ILogger logger, DateOnly first, DateOnly last, string reason);

    [LoggerMessage(3343, LogLevel.Warning, "Governors' report refused to {UserName}: {Reason}")]
    public static partial void Refused(ILogger logger, string userName, string reason);

    [LoggerMessage(3344, LogLevel.Information, "Governors' report: {UserName} checked entry {Sequence} of the change-control log against an earlier report: {Outcome}")]
    public static partial void CheckpointChecked(ILogger logger, string userName, long sequence, string outcome);
}
