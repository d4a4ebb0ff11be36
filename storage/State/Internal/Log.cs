using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>Every log line the state store writes.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "State database {Path} open at schema version {Version}, revision {Revision}")]
    public static partial void Opened(ILogger logger, string path, int version, long revision);

    [LoggerMessage(2, LogLevel.Information, "State database {Path} migrated to version {Version} ({Description})")]
    public static partial void MigrationApplied(ILogger logger, string path, int version, string description);

    [LoggerMessage(3, LogLevel.Critical, "State database {Path} cannot be opened ({Failure}): {Reason}")]
    public static partial void OpenFailed(ILogger logger, string path, StateOpenFailure failure, string reason);

    [LoggerMessage(4, LogLevel.Information, "Pruned state: {TeacherActions} teacher actions, {Alerts} alerts, {UnblockRequests} unblock requests, {Incidents} incidents, {IpHistory} IP history rows, {Devices} devices")]
    public static partial void Pruned(ILogger logger, int teacherActions, int alerts, int unblockRequests, int incidents, int ipHistory, int devices);

    [LoggerMessage(5, LogLevel.Warning, "Reading the state revision failed; retrying")]
    public static partial void RevisionReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Change {ChangeId} ({Kind}) proposed by user {UserId}")]
    public static partial void ChangeProposed(ILogger logger, long changeId, string kind, long userId);

    [LoggerMessage(7, LogLevel.Information, "Change {ChangeId} approved by user {UserId} (single approver: {SingleApprover})")]
    public static partial void ChangeApproved(ILogger logger, long changeId, long userId, bool singleApprover);

    [LoggerMessage(8, LogLevel.Information, "Change {ChangeId} rejected by user {UserId}")]
    public static partial void ChangeRejected(ILogger logger, long changeId, long userId);

    [LoggerMessage(9, LogLevel.Warning, "Change refused: {Refusal} ({Detail})")]
    public static partial void ChangeRefused(ILogger logger, ChangeRefusal refusal, string detail);

    [LoggerMessage(10, LogLevel.Warning, "First administrator {UserName} created; its one-time password was returned to the caller")]
    public static partial void FirstAdministratorCreated(ILogger logger, string userName);

    [LoggerMessage(11, LogLevel.Warning, "Account {UserName} locked out after repeated failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string userName);

    [LoggerMessage(12, LogLevel.Error, "Change-control chain verification failed at entry {Sequence}: {Problem}")]
    public static partial void ChainBroken(ILogger logger, long sequence, string problem);
}
