using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Governors;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Reports.Governors;

/// <summary>
/// The governors' periods: a month, the month so far, the last term from the school calendar (holidays and terms not
/// yet ended left out), the scheduled period; the check of typed days against malformed, reversed, too long and future
/// values; the page service's role check and the hash check against an earlier report.
/// </summary>
public sealed class GovernorsPeriodsTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    public static TheoryData<string, string, string, string> Months => new()
    {
        { "2026-12-07", "2026-11-01", "2026-11-30", "November 2026" },
        { "2026-01-01", "2025-12-01", "2025-12-31", "December 2025" },
        { "2024-03-31", "2024-02-01", "2024-02-29", "February 2024" },
        { "2026-03-01", "2026-02-01", "2026-02-28", "February 2026" },
    };

    [Theory]
    [MemberData(nameof(Months))]
    public void LastMonth_IsTheWholeMonthBefore(string today, string first, string last, string name)
    {
        var days = GovernorsPeriods.LastMonth(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), name), (days.First, days.Last, days.Name));
    }

    [Fact]
    public void ThisMonth_IsTheFirstToToday()
    {
        var days = GovernorsPeriods.ThisMonth(Today);

        Assert.Equal((new DateOnly(2026, 12, 1), Today, "December 2026 so far"), (days.First, days.Last, days.Name));
    }

    [Fact]
    public void LastTerm_TheLatestTermThatEnded_NotAHolidayNorTheTermUnderWay()
    {
        var calendar = new SchoolCalendar(
        [
            new CalendarEntry(1, CalendarEntryKind.Term, "Summer term 2026", new DateOnly(2026, 4, 20), new DateOnly(2026, 7, 22)),
            new CalendarEntry(2, CalendarEntryKind.Holiday, "Half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)),
            new CalendarEntry(3, CalendarEntryKind.Term, "Autumn term 2026", new DateOnly(2026, 9, 3), new DateOnly(2026, 12, 18)),
            new CalendarEntry(4, CalendarEntryKind.Holiday, "Christmas", new DateOnly(2026, 12, 19), new DateOnly(2027, 1, 4)),
        ]);

        var term = GovernorsPeriods.LastTerm(Today, calendar);

        Assert.Equal(new GovernorsDays(new DateOnly(2026, 4, 20), new DateOnly(2026, 7, 22), "Summer term 2026"), term);
        Assert.Equal("Autumn term 2026", GovernorsPeriods.LastTerm(new DateOnly(2026, 12, 19), calendar)!.Value.Name); // the day after it ended
        Assert.Equal("Summer term 2026", GovernorsPeriods.LastTerm(new DateOnly(2026, 12, 18), calendar)!.Value.Name); // its last day: not ended yet
    }

    [Fact]
    public void LastTerm_NoTermsOrNoneEnded_IsNull_AndTheScheduleFallsBackToTheLastMonth()
    {
        var notYet = new SchoolCalendar([new CalendarEntry(1, CalendarEntryKind.Term, "Autumn term", new DateOnly(2026, 9, 3), new DateOnly(2026, 12, 18))]);

        Assert.Null(GovernorsPeriods.LastTerm(Today, SchoolCalendar.Empty));
        Assert.Null(GovernorsPeriods.LastTerm(Today, notYet));
        Assert.Equal(GovernorsPeriods.LastMonth(Today), GovernorsPeriods.Scheduled(GovernorsPeriod.Term, Today, notYet));
        Assert.Equal("Autumn term", GovernorsPeriods.Scheduled(GovernorsPeriod.Term, new DateOnly(2027, 1, 1), notYet).Name);
        Assert.Equal("December 2026", GovernorsPeriods.Scheduled(GovernorsPeriod.Month, new DateOnly(2027, 1, 1), notYet).Name);
    }

    [Fact]
    public void TryPeriod_GoodPeriods_Accepted()
    {
        Assert.True(GovernorsPeriods.TryPeriod(new DateOnly(2026, 9, 1), Today, Today, out var error), error);
        Assert.Equal(string.Empty, error);
        Assert.True(GovernorsPeriods.TryPeriod(Today, Today, Today, out _)); // one day, today
        Assert.True(GovernorsPeriods.TryPeriod(Today.AddDays(-399), Today, Today, out _)); // exactly 400 days
    }

    public static TheoryData<string?, string?, string?, string?> Refused => new()
    {
        { null, "2026-11-30", "Choose the first day of the period.", null },
        { "2026-11-01", null, null, "Choose the last day of the period." },
        { "2026-12-08", "2026-12-08", "The first day, 8 December 2026, is in the future: a report covers days that have begun.", "The last day, 8 December 2026, is in the future: choose today (7 December 2026) or earlier." },
        { "2026-11-01", "2027-01-01", null, "The last day, 1 January 2027, is in the future: choose today (7 December 2026) or earlier." },
        { "2026-11-30", "2026-11-01", null, "The last day (1 November 2026) is before the first (30 November 2026)." },
        { "2025-11-02", "2026-12-07", null, "That is 401 days: a report covers at most 400 days (a school year). Choose a shorter period." },
        { "0001-01-01", "2026-12-07", null, "That is 739957 days: a report covers at most 400 days (a school year). Choose a shorter period." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Check_BadPeriods_RefusedAgainstTheirField(string? first, string? last, string? firstError, string? lastError)
    {
        var (from, to) = GovernorsPeriods.Check(Day(first), Day(last), Today);

        Assert.Equal(firstError, from);
        Assert.Equal(lastError, to);
        Assert.False(GovernorsPeriods.TryPeriod(Day(first), Day(last), Today, out var error));
        Assert.Equal(firstError ?? lastError, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("2026-11")]
    [InlineData("2026-11-3")]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("30/11/2026")]
    [InlineData("2026-11-30T00:00")]
    [InlineData("2026-11-30'; DROP TABLE incidents; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("２０２６-11-30")]
    [InlineData("+2026-11-30")]
    [InlineData(null)]
    public void TryParseDay_Malformed_Refused(string? text)
    {
        Assert.False(GovernorsPeriods.TryParseDay(text, out _));
    }

    [Theory]
    [InlineData("2026-11-30", 2026, 11, 30)]
    [InlineData(" 2026-11-30 ", 2026, 11, 30)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    public void TryParseDay_IsoDates_Read(string text, int year, int month, int day)
    {
        Assert.True(GovernorsPeriods.TryParseDay(text, out var parsed));
        Assert.Equal(new DateOnly(year, month, day), parsed);
        Assert.Equal(parsed.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), GovernorsPeriods.Iso(parsed));
    }

    [Theory]
    [InlineData(Role.Governor, true)]
    [InlineData(Role.SafeguardingLead, true)]
    [InlineData(Role.Administrator, true)]
    [InlineData(Role.Technician, false)]
    [InlineData(Role.Teacher, false)]
    public async Task Service_ChecksTheRoleAgain(Role role, bool reads)
    {
        using var world = new GovernorsWorld(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var user = await world.UserAsync("someone", "Someone", role);

        var report = await world.Service.ReadAsync(Actor(user), new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), CancellationToken.None);

        Assert.Equal(reads, report is not null);
        Assert.Equal(reads, GovernorsReportService.MayRead(Actor(user)));
        Assert.False(GovernorsReportService.MayRead(null));
    }

    [Fact]
    public async Task Service_FuturePeriod_Refused()
    {
        using var world = new GovernorsWorld(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var governor = await world.UserAsync("gill", "Gill Hartley", Role.Governor);

        await Assert.ThrowsAsync<ArgumentException>(() => world.Service.ReadAsync(Actor(governor), new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31), CancellationToken.None));
    }

    [Fact]
    public async Task Service_Choices_LastTermUnavailableWithTheReason_WhenTheCalendarHasNoTerms()
    {
        using var world = new GovernorsWorld(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

        var choices = await world.Service.ChoicesAsync(CancellationToken.None);

        Assert.Equal(["This month (December 2026 so far)", "Last month (November 2026)", "Last term"], choices.Select(c => c.Label));
        Assert.Null(choices[2].Days);
        Assert.Equal("The school calendar has no terms yet: a technician adds them on the School calendar page.", choices[2].Unavailable);
    }

    [Fact]
    public async Task Service_CheckAHashFromAnEarlierReport_MatchesThenDiffersAfterARewrite()
    {
        using var world = new GovernorsWorld(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var governor = await world.UserAsync("gill", "Gill Hartley", Role.Governor);
        var sam = await world.UserAsync("sam", "Sam Okafor", Role.Technician);
        var kim = await world.UserAsync("kim", "Kim Adebayo", Role.Technician);
        await world.ApproveAsync(kim, await world.ProposeAsync(sam, new BlockCategoryChange("ks5", "social_networking"), "Exams"), "Agreed");
        var report = await world.Reader.ReadAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), CancellationToken.None);
        var head = report.Changes.Chain;

        var matches = await world.Service.CheckAsync(Actor(governor), head.HeadSequence, head.HeadHash.ToUpperInvariant(), CancellationToken.None);
        var wrong = await world.Service.CheckAsync(Actor(governor), head.HeadSequence, new string('a', 64), CancellationToken.None);
        var malformed = await world.Service.CheckAsync(Actor(governor), head.HeadSequence, "not a hash", CancellationToken.None);
        var refused = await world.Service.CheckAsync(Actor(sam), head.HeadSequence, head.HeadHash, CancellationToken.None);

        Assert.True(matches!.Matches, matches.Message);
        Assert.False(wrong!.Matches);
        Assert.StartsWith($"Entry {head.HeadSequence} no longer has that hash", wrong.Message, StringComparison.Ordinal);
        Assert.False(malformed!.Matches);
        Assert.StartsWith("Type the entry number", malformed.Message, StringComparison.Ordinal);
        Assert.Null(refused);

        world.Tamper("UPDATE change_log SET body = replace(body, 'Exams', 'Exam') WHERE seq = 1");
        var after = await world.Service.CheckAsync(Actor(governor), head.HeadSequence, head.HeadHash, CancellationToken.None);
        Assert.False(after!.Matches);
    }

    private static DateOnly? Day(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static ConsoleUser Actor(UserAccount account) => ConsoleUser.From(ConsoleUser.CreatePrincipal(account, DateTimeOffset.UtcNow))!;
}
