namespace ClassroomGuard.Storage.State;

/// <summary>What a user may do. A user may hold several roles.</summary>
public enum Role
{
    /// <summary>Watches and controls their classroom; asks for unblocks; records incidents.</summary>
    Teacher,

    /// <summary>Manages devices and filtering policy; proposes and approves policy changes.</summary>
    Technician,

    /// <summary>Designated safeguarding lead: incidents, alerts, approves temporary unblocks.</summary>
    SafeguardingLead,

    /// <summary>Read-only: change-control log and anonymised incident summaries.</summary>
    Governor,

    /// <summary>Everything a technician may do, plus user management.</summary>
    Administrator,
}

/// <summary>How a device became known.</summary>
public enum DeviceSource
{
    /// <summary>Seen on the LAN by the passive monitor.</summary>
    Sniffer,

    /// <summary>Reported by the ClassroomGuard agent running on it.</summary>
    Agent,

    /// <summary>Entered by a technician.</summary>
    Manual,
}

/// <summary>Kind of group.</summary>
public enum GroupKind
{
    /// <summary>Pupils (one group per key stage by default).</summary>
    Pupils,

    /// <summary>Staff.</summary>
    Staff,

    /// <summary>Guests and bring-your-own devices.</summary>
    Guests,
}

/// <summary>SafeSearch / YouTube restricted mode enforced by the DNS filter for a group.</summary>
public enum SafeSearchMode
{
    /// <summary>Not enforced.</summary>
    Off,

    /// <summary>Moderate SafeSearch, moderate YouTube restriction.</summary>
    Moderate,

    /// <summary>Strict SafeSearch, strict YouTube restriction.</summary>
    Strict,
}

/// <summary>Effect of an allow/deny entry for a domain.</summary>
public enum RuleAction
{
    /// <summary>Allowed, unless the domain is in an always-on category.</summary>
    Allow,

    /// <summary>Blocked.</summary>
    Deny,
}

/// <summary>Effect of a schedule on a category while it is active.</summary>
public enum ScheduleEffect
{
    /// <summary>The category is allowed during the window (never possible for always-on categories).</summary>
    Allow,

    /// <summary>The category is blocked during the window.</summary>
    Block,
}

/// <summary>How a client-to-group mapping matches a client.</summary>
public enum ClientMappingKind
{
    /// <summary>A subnet in CIDR notation, e.g. <c>10.1.0.0/16</c>.</summary>
    Subnet,

    /// <summary>A single IP address.</summary>
    Ip,

    /// <summary>A MAC address.</summary>
    Mac,
}

/// <summary>Days of the week a schedule applies to (Monday = 1 ... Sunday = 64).</summary>
[Flags]
public enum SchoolDays
{
    /// <summary>No day.</summary>
    None = 0,

    /// <summary>Monday.</summary>
    Monday = 1,

    /// <summary>Tuesday.</summary>
    Tuesday = 2,

    /// <summary>Wednesday.</summary>
    Wednesday = 4,

    /// <summary>Thursday.</summary>
    Thursday = 8,

    /// <summary>Friday.</summary>
    Friday = 16,

    /// <summary>Saturday.</summary>
    Saturday = 32,

    /// <summary>Sunday.</summary>
    Sunday = 64,

    /// <summary>Monday to Friday.</summary>
    Weekdays = 31,

    /// <summary>Every day.</summary>
    All = 127,
}

/// <summary>What a teacher action affects.</summary>
public enum ActionScope
{
    /// <summary>One device.</summary>
    Device,

    /// <summary>Every device in a room.</summary>
    Room,
}

/// <summary>Kinds of classroom control.</summary>
public enum TeacherActionKind
{
    /// <summary>Blank the device's screen (agent).</summary>
    Blank,

    /// <summary>Pause internet access (DNS).</summary>
    Pause,

    /// <summary>Only the listed domains resolve (DNS).</summary>
    Focus,

    /// <summary>The listed domain is unblocked for the lesson; created only by an approved unblock request.</summary>
    Unblock,
}

/// <summary>State of an incident.</summary>
public enum IncidentStatus
{
    /// <summary>Recorded, not yet looked at.</summary>
    Open,

    /// <summary>Being dealt with.</summary>
    Investigating,

    /// <summary>Dealt with; eligible for pruning after the retention period.</summary>
    Closed,
}

/// <summary>Kinds of alert.</summary>
public enum AlertKind
{
    /// <summary>A high-risk category (self-harm, extremism, child abuse lists) was requested.</summary>
    HighRiskCategory,

    /// <summary>An attempt to get round the filter (other DNS servers, DoH, VPN, proxy).</summary>
    Circumvention,

    /// <summary>Anything else worth a safeguarding lead's attention.</summary>
    Other,

    /// <summary>The appliance itself needs the technician (a block-list download refused or failing; the last good set stays in force).</summary>
    Appliance,
}

/// <summary>State of an unblock request.</summary>
public enum UnblockRequestStatus
{
    /// <summary>Waiting for a decision.</summary>
    Pending,

    /// <summary>Approved: a temporary unblock exists for the lesson.</summary>
    Approved,

    /// <summary>Refused.</summary>
    Refused,
}

/// <summary>Kind of school calendar entry.</summary>
public enum CalendarEntryKind
{
    /// <summary>A term: days inside a term (and not in a holiday) are term time.</summary>
    Term,

    /// <summary>A holiday, half term or closure day inside or between terms.</summary>
    Holiday,
}
