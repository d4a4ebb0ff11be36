using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>Term-time-only windows in Europe/London: a half term, the end of a term, and the end of summer time (25 Oct 2026).</summary>
public sealed class TermTimeTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static readonly SchoolCalendar Autumn2026 = new(
    [
        new CalendarEntry(1, CalendarEntryKind.Term, "Autumn term", new DateOnly(2026, 9, 2), new DateOnly(2026, 12, 18)),
        new CalendarEntry(2, CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)),
    ]);

    private static readonly PolicySchedule Lunch = new(1, "staff", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780, TermTimeOnly: true);

    [Theory]
    [InlineData("2026-10-23T11:30:00Z", true)]  // Friday 12:30 BST, in term
    [InlineData("2026-10-23T12:30:00Z", false)] // Friday 13:30 BST
    [InlineData("2026-10-26T12:30:00Z", false)] // Monday 12:30 GMT, half term
    [InlineData("2026-10-30T12:59:00Z", false)] // last day of half term
    [InlineData("2026-11-02T12:30:00Z", true)]  // Monday 12:30 GMT, back in term
    [InlineData("2026-11-02T11:30:00Z", false)] // 11:30 GMT: in BST this would have been 12:30
    [InlineData("2026-12-18T12:00:00Z", true)]  // last day of term
    [InlineData("2026-12-21T12:30:00Z", false)] // after the term
    [InlineData("2026-09-01T11:30:00Z", false)] // before the term
    public void IsActiveAt_TermTimeOnlyWindow_FollowsTheCalendarInSchoolTime(string instant, bool active)
        => Assert.Equal(active, Lunch.IsActiveAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), London, Autumn2026));

    [Fact]
    public void IsActiveAt_LocalDateDecides_NotTheUtcDate()
    {
        // Term ends on Thursday 22 Oct; a window at 00:00–01:00 school time. 23:30 UTC on Thursday is already Friday in BST.
        var calendar = new SchoolCalendar([new CalendarEntry(1, CalendarEntryKind.Term, "Short term", new DateOnly(2026, 9, 2), new DateOnly(2026, 10, 22))]);
        var early = new PolicySchedule(2, "staff", "games", ScheduleEffect.Allow, SchoolDays.All, 0, 60, TermTimeOnly: true);

        Assert.True(early.IsActiveAt(new DateTimeOffset(2026, 10, 21, 23, 30, 0, TimeSpan.Zero), London, calendar));  // Thu 00:30 BST
        Assert.False(early.IsActiveAt(new DateTimeOffset(2026, 10, 22, 23, 30, 0, TimeSpan.Zero), London, calendar)); // Fri 00:30 BST
    }

    [Fact]
    public void IsActiveAt_NoTermsDefined_EveryDayButHolidaysIsTermTime()
    {
        var holidaysOnly = new SchoolCalendar([new CalendarEntry(2, CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30))]);
        var monday = new DateTimeOffset(2026, 12, 21, 12, 30, 0, TimeSpan.Zero);
        var halfTerm = new DateTimeOffset(2026, 10, 26, 12, 30, 0, TimeSpan.Zero);

        Assert.True(Lunch.IsActiveAt(monday, London)); // no calendar at all
        Assert.True(Lunch.IsActiveAt(monday, London, SchoolCalendar.Empty));
        Assert.True(Lunch.IsActiveAt(monday, London, holidaysOnly));
        Assert.False(Lunch.IsActiveAt(halfTerm, London, holidaysOnly));
        Assert.True((Lunch with { TermTimeOnly = false }).IsActiveAt(halfTerm, London, holidaysOnly)); // every-week windows ignore the calendar
    }

    [Fact]
    public void IsBlockedAt_StaffGamesAllowedAtLunchInTermTimeOnly()
    {
        var staff = new GroupPolicy(7, "staff", "Staff", GroupKind.Staff, SafeSearchMode.Moderate, false, new HashSet<string> { "games", "terrorism" }, [Lunch]);
        var alwaysOn = new HashSet<string> { "terrorism" };

        Assert.False(staff.IsBlockedAt("games", new DateTimeOffset(2026, 10, 23, 11, 30, 0, TimeSpan.Zero), London, alwaysOn, Autumn2026));
        Assert.True(staff.IsBlockedAt("games", new DateTimeOffset(2026, 10, 26, 12, 30, 0, TimeSpan.Zero), London, alwaysOn, Autumn2026));
        Assert.False(staff.IsBlockedAt("games", new DateTimeOffset(2026, 11, 2, 12, 30, 0, TimeSpan.Zero), London, alwaysOn, Autumn2026));
        Assert.False(staff.IsBlockedAt("games", new DateTimeOffset(2026, 10, 26, 12, 30, 0, TimeSpan.Zero), London, alwaysOn)); // no calendar
        Assert.True(staff.IsBlockedAt("terrorism", new DateTimeOffset(2026, 11, 2, 12, 30, 0, TimeSpan.Zero), London, alwaysOn, Autumn2026));
    }

    [Fact]
    public void SchoolCalendar_EntryOnAndOrder()
    {
        Assert.Equal("October half term", Autumn2026.EntryOn(new DateOnly(2026, 10, 28), CalendarEntryKind.Holiday)?.Name);
        Assert.Equal("Autumn term", Autumn2026.EntryOn(new DateOnly(2026, 10, 28), CalendarEntryKind.Term)?.Name);
        Assert.Null(Autumn2026.EntryOn(new DateOnly(2026, 12, 25), CalendarEntryKind.Term));
        Assert.True(Autumn2026.HasTerms);
        Assert.False(SchoolCalendar.Empty.HasTerms);
        Assert.Equal([1L, 2L], Autumn2026.Entries.Select(e => e.Id));
    }
}
