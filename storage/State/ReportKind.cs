namespace ClassroomGuard.Storage.State;

/// <summary>The kinds of report the console generates (issue #14). Stored by name; never renumber.</summary>
public enum ReportKind
{
    /// <summary>The technicians' weekly traffic report: one site, Monday to Sunday in the school's time zone.</summary>
    Weekly = 1,

    /// <summary>The governors' report: change control, anonymised incidents and coverage for a month or a term.</summary>
    Governors = 2,
}
