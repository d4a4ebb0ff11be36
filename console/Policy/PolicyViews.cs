using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>How a category is filtered for a group, as the editor's tri-state shows it.</summary>
public enum CategoryState
{
    /// <summary>Blocked all the time.</summary>
    Blocked,

    /// <summary>Allowed all the time.</summary>
    Allowed,

    /// <summary>Allowed or blocked in time windows, the other way outside them.</summary>
    Scheduled,
}

/// <summary>A change waiting for a second person, as a sentence, so nobody proposes it twice.</summary>
/// <param name="ChangeId">Change number (for the Approvals page).</param>
/// <param name="Summary">What it does.</param>
/// <param name="Reason">Why, as the proposer gave it.</param>
/// <param name="ProposedBy">Who proposed it.</param>
/// <param name="ProposedAt">When, in the school's time.</param>
/// <param name="ByYou">The person reading proposed it.</param>
public sealed record PendingNote(long ChangeId, string Summary, string Reason, string ProposedBy, string ProposedAt, bool ByYou);

/// <summary>A group in the list of groups.</summary>
/// <param name="Key">Stable key, for links only (never shown).</param>
/// <param name="Name">Name.</param>
/// <param name="Kind">Pupils, staff or guests, in words.</param>
/// <param name="IsDefault">Devices no rule names are filtered as this group.</param>
/// <param name="Devices">Devices assigned to it.</param>
/// <param name="Mappings">Subnets, addresses and MAC addresses mapped to it.</param>
/// <param name="SafeSearch">SafeSearch in words.</param>
/// <param name="YouTube">YouTube restricted mode in words (off, moderate, strict).</param>
/// <param name="BlockedCategories">How many categories it blocks (the always-blocked ones included).</param>
/// <param name="RetireRefusal">Why it cannot be retired now, or null when it can.</param>
/// <param name="Pending">Changes to it waiting for approval.</param>
public sealed record GroupRow(
    string Key, string Name, string Kind, bool IsDefault, int Devices, int Mappings, string SafeSearch, string YouTube, int BlockedCategories,
    string? RetireRefusal, IReadOnlyList<PendingNote> Pending);

/// <summary>The groups page.</summary>
/// <param name="Active">Groups that filter clients.</param>
/// <param name="Retired">Groups kept only for the log's history.</param>
/// <param name="Pending">Group changes waiting for approval (creations included).</param>
public sealed record GroupListView(IReadOnlyList<GroupRow> Active, IReadOnlyList<GroupRow> Retired, IReadOnlyList<PendingNote> Pending);

/// <summary>A time window of a group.</summary>
/// <param name="Id">Schedule id (to propose its removal).</param>
/// <param name="CategoryKey">Category key (not shown).</param>
/// <param name="Category">Category name.</param>
/// <param name="Effect">Allow or block while in force.</param>
/// <param name="Text">"Allowed Monday to Friday, 12:00 to 13:00, term time only".</param>
/// <param name="RemovalPending">Its removal is waiting for approval.</param>
public sealed record WindowRow(long Id, string CategoryKey, string Category, ScheduleEffect Effect, string Text, bool RemovalPending);

/// <summary>One category of a group.</summary>
/// <param name="Key">Category key (not shown).</param>
/// <param name="Name">Category name.</param>
/// <param name="AlwaysOn">Always blocked for everyone; no control may change it.</param>
/// <param name="State">Blocked, allowed or scheduled.</param>
/// <param name="Outside">Outside its windows: blocked (true) or allowed.</param>
/// <param name="Windows">Its windows.</param>
/// <param name="Pending">Changes to it waiting for approval.</param>
public sealed record CategoryRow(string Key, string Name, bool AlwaysOn, CategoryState State, bool Outside, IReadOnlyList<WindowRow> Windows, IReadOnlyList<PendingNote> Pending);

/// <summary>A choice in a list (a category, a group), by name.</summary>
/// <param name="Key">Key (the value, not shown).</param>
/// <param name="Name">Name shown.</param>
public sealed record Choice(string Key, string Name);

/// <summary>One group's page.</summary>
/// <param name="Key">Stable key (for links and proposals, not shown).</param>
/// <param name="Name">Name.</param>
/// <param name="Kind">Kind in words.</param>
/// <param name="IsDefault">The default group for unknown devices.</param>
/// <param name="Retired">Retired: it filters nobody; read-only.</param>
/// <param name="SafeSearch">SafeSearch mode.</param>
/// <param name="YouTube">YouTube restricted mode.</param>
/// <param name="BlockPageText">The group's own block page text, or null for the built-in wording.</param>
/// <param name="Categories">Every category, always-blocked ones first.</param>
/// <param name="Pending">Every change to this group waiting for approval.</param>
/// <param name="TimeZone">The school's time zone, named.</param>
/// <param name="HasCalendar">The school calendar has at least one term (so "term time only" means something).</param>
public sealed record GroupView(
    string Key, string Name, string Kind, bool IsDefault, bool Retired, SafeSearchMode SafeSearch, SafeSearchMode YouTube, string? BlockPageText,
    IReadOnlyList<CategoryRow> Categories, IReadOnlyList<PendingNote> Pending, string TimeZone, bool HasCalendar)
{
    /// <summary>The categories a window may be added to (allow windows never for the always-blocked ones).</summary>
    public IReadOnlyList<Choice> CategoryChoices => Categories.Where(c => !c.AlwaysOn).Select(c => new Choice(c.Key, c.Name)).ToList();

    /// <summary>Every window of the group.</summary>
    public IReadOnlyList<WindowRow> Windows => Categories.SelectMany(c => c.Windows).ToList();
}

/// <summary>A term or holiday.</summary>
/// <param name="Id">Entry id (to propose its removal).</param>
/// <param name="Kind">Term or holiday.</param>
/// <param name="Name">Its name.</param>
/// <param name="FirstDay">First day, in words.</param>
/// <param name="LastDay">Last day, in words.</param>
/// <param name="Days">How many days it covers.</param>
/// <param name="RemovalPending">Its removal is waiting for approval.</param>
public sealed record CalendarRow(long Id, CalendarEntryKind Kind, string Name, string FirstDay, string LastDay, int Days, bool RemovalPending);

/// <summary>The school calendar page.</summary>
/// <param name="TimeZone">The school's time zone, named.</param>
/// <param name="Entries">Terms and holidays, in date order.</param>
/// <param name="Pending">Calendar changes waiting for approval.</param>
/// <param name="TermTimeWindows">How many time windows of active groups are marked "term time only".</param>
/// <param name="HasTerms">At least one term is defined (with none, every day outside a holiday counts as term time).</param>
public sealed record CalendarView(string TimeZone, IReadOnlyList<CalendarRow> Entries, IReadOnlyList<PendingNote> Pending, int TermTimeWindows, bool HasTerms);
