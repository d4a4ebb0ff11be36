using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Settings of the SQLite state store (configuration section <c>State</c>). Retention periods say how
/// long each kind of personal data is kept before <see cref="StateStore.PruneAsync"/> deletes it; the
/// change-control log is audit and is never pruned.
/// </summary>
public sealed class StateOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "State";

    /// <summary>Full path of the database file. Default <c>/var/lib/classroomguard/state.db</c>. The directory must exist.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "State:Path must be set to the full path of the state database file.")]
    public string Path { get; set; } = "/var/lib/classroomguard/state.db";

    /// <summary>How long a writer waits for another process's write lock before failing. Default 5 s (0.1 s to 5 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "State:BusyTimeout must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a <see cref="RevisionWatcher"/> reads the revision row. Default 250 ms (10 ms to 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01", ErrorMessage = "State:RevisionPollInterval must be between 00:00:00.010 and 00:00:01.")]
    public TimeSpan RevisionPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// For very small schools with one technician: a policy change may be approved by the user who
    /// proposed it, and that approval is recorded as single-approver in the change-control log.
    /// Default <see langword="false"/>: a different user must approve.
    /// </summary>
    public bool SingleApproverMode { get; set; }

    /// <summary>IANA time zone of the school, used for schedules. Default <c>Europe/London</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "State:TimeZone must be an IANA time zone such as Europe/London.")]
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>Failed sign-ins in a row that lock an account. Default 5 (1 to 100).</summary>
    [Range(1, 100, ErrorMessage = "State:LockoutThreshold must be between 1 and 100.")]
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked. Default 15 minutes (1 minute to 1 day).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "State:LockoutDuration must be between 00:01:00 and 1.00:00:00.")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Days a teacher action (blank, pause, focus, temporary unblock) is kept after it expired or was
    /// released. Default 90: long enough to answer a parent's or the DSL's question about a lesson this term.
    /// </summary>
    [Range(1, 36500, ErrorMessage = "State:TeacherActionRetentionDays must be between 1 and 36500.")]
    public int TeacherActionRetentionDays { get; set; } = 90;

    /// <summary>
    /// Days an acknowledged alert is kept. Default 365 (one school year plus review). Unacknowledged alerts
    /// are never pruned: a safeguarding signal nobody has looked at must not disappear.
    /// </summary>
    [Range(1, 36500, ErrorMessage = "State:AlertRetentionDays must be between 1 and 36500.")]
    public int AlertRetentionDays { get; set; } = 365;

    /// <summary>Days a decided unblock request is kept. Default 365: the annual filtering review sees a full year.</summary>
    [Range(1, 36500, ErrorMessage = "State:UnblockRequestRetentionDays must be between 1 and 36500.")]
    public int UnblockRequestRetentionDays { get; set; } = 365;

    /// <summary>
    /// Days a closed incident is kept after its last update. Default 2190 (6 years, the Limitation Act 1980
    /// period for most claims). Open incidents are never pruned. A child-protection concern belongs in the
    /// school's child-protection record, which has its own, longer retention.
    /// </summary>
    [Range(1, 36500, ErrorMessage = "State:IncidentRetentionDays must be between 1 and 36500.")]
    public int IncidentRetentionDays { get; set; } = 2190;

    /// <summary>Days an earlier IP-to-device assignment is kept for attributing past blocks. Default 90.</summary>
    [Range(1, 36500, ErrorMessage = "State:IpHistoryRetentionDays must be between 1 and 36500.")]
    public int IpHistoryRetentionDays { get; set; } = 90;

    /// <summary>Days after it was last seen that a device (with its MACs and IPs) is forgotten. Default 400 (a school year and a summer).</summary>
    [Range(1, 36500, ErrorMessage = "State:InactiveDeviceRetentionDays must be between 1 and 36500.")]
    public int InactiveDeviceRetentionDays { get; set; } = 400;
}
