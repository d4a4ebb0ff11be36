namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>Log messages of the incident log (EventIds 3150–3199).</summary>
internal static partial class IncidentsLog
{
    [LoggerMessage(3150, LogLevel.Information, "Incidents: {UserName} raised incident {IncidentId} (device {DeviceId}, room {RoomId})")]
    public static partial void Raised(ILogger logger, string userName, long incidentId, long? deviceId, long? roomId);

    [LoggerMessage(3151, LogLevel.Warning, "Incidents: {UserName} was refused incident {IncidentId}: {Reason}")]
    public static partial void Refused(ILogger logger, string userName, long incidentId, string reason);

    [LoggerMessage(3152, LogLevel.Information, "Incidents: {UserName} recorded {Step} on incident {IncidentId}")]
    public static partial void StepRecorded(ILogger logger, string userName, string step, long incidentId);

    [LoggerMessage(3153, LogLevel.Warning, "Incidents: {UserName} was refused a report in room {RoomId}: {Reason}")]
    public static partial void ReportRefused(ILogger logger, string userName, long roomId, string reason);

    [LoggerMessage(3154, LogLevel.Warning, "Incidents: {UserName} was refused the incident log: {Reason}")]
    public static partial void LogRefused(ILogger logger, string userName, string reason);

    [LoggerMessage(3160, LogLevel.Information, "Incident evidence: incident {IncidentId} {State} with {Rows} rows")]
    public static partial void EvidenceSaved(ILogger logger, long incidentId, string state, int rows);

    [LoggerMessage(3161, LogLevel.Warning, "Incident evidence: InfluxDB did not answer; {Pending} incidents' evidence stays pending and is retried")]
    public static partial void EvidenceInfluxDown(ILogger logger, int pending, Exception exception);

    [LoggerMessage(3162, LogLevel.Information, "Incident evidence: InfluxDB answers again; copying resumes")]
    public static partial void EvidenceInfluxBack(ILogger logger);

    [LoggerMessage(3164, LogLevel.Warning, "Incident evidence: InfluxDB refused the copy of incident {IncidentId} ({Count} of {Max} tries; the others go on)")]
    public static partial void EvidenceRefused(ILogger logger, long incidentId, int count, int max, Exception exception);

    [LoggerMessage(3163, LogLevel.Error, "Incident evidence: a pass of the copier failed; it is tried again at the next interval")]
    public static partial void EvidencePassFailed(ILogger logger, Exception exception);
}
