using System.Reflection;
using System.Text.Json.Serialization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

public sealed class ChangeSummariesTests
{
    private static readonly GroupPolicy Ks2 = new(3, "ks2", "Key stage 2", GroupKind.Pupils, SafeSearchMode.Strict, false, new HashSet<string>(), []);

    private static readonly GroupPolicy Staff = new(
        7, "staff", "Staff", GroupKind.Staff, SafeSearchMode.Moderate, false, new HashSet<string>(),
        [new PolicySchedule(11, "staff", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780, TermTimeOnly: true)]);

    private static readonly PolicyNames Names = new(
        new PolicySnapshot(
            1, TimeZoneInfo.Utc, [new Category("games", "Games", false), new Category("terrorism", "Terrorist content", true)], [Ks2, Staff], [], [], [], [],
            new SchoolCalendar([new CalendarEntry(5, CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30))]))
        {
            ListFeeds = [new ListFeed(6, "Trust list", "https://trust.example.org/block.txt", "Plain", "games", DateTimeOffset.UnixEpoch, 2)],
        },
        new Dictionary<long, string> { [9] = "LAPTOP-07" },
        new Dictionary<long, string> { [4] = "Room 12" },
        TimeZoneInfo.Utc);

    /// <summary>One example of every change kind; the test below fails when a kind is added without one.</summary>
    private static readonly PolicyChange[] Examples =
    [
        new BlockCategoryChange("ks2", "games"),
        new UnblockCategoryChange("ks2", "games"),
        new AddScheduleChange("staff", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780, TermTimeOnly: true),
        new RemoveScheduleChange(11),
        new SetDomainRuleChange("example.org", "ks2", RuleAction.Deny),
        new SetSafeSearchChange("ks2", SafeSearchMode.Moderate),
        new SetClientMappingChange(ClientMappingKind.Subnet, "10.0.3.0/24", "ks2"),
        new SetDefaultGroupChange("staff"),
        new SetDeviceGroupChange(9, "ks2"),
        new TemporaryUnblockChange("example.org", ActionScope.Room, null, 4, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1)),
        new CreateGroupChange("ks3", "Key stage 3", GroupKind.Pupils, SafeSearchMode.Strict, "ks2"),
        new RenameGroupChange("ks2", "Upper juniors"),
        new RetireGroupChange("ks2"),
        new SetYouTubeModeChange("staff", SafeSearchMode.Off),
        new SetBlockPageTextChange("ks2", "Ask your teacher\nif you need this site."),
        new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)),
        new RemoveCalendarEntryChange(5),
        new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Hosts", "games"),
        new RemoveListFeedChange(6),
    ];

    [Fact]
    public void Describe_EveryChangeKind_HasASentenceWithoutKeys()
    {
        var kinds = typeof(PolicyChange).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();

        Assert.Equal(kinds.OrderBy(t => t.Name), Examples.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name));
        Assert.All(Examples, change =>
        {
            var sentence = ChangeSummaries.Describe(change, Names);
            Assert.DoesNotContain("no words", sentence, StringComparison.Ordinal);
            Assert.DoesNotContain("ks2", sentence, StringComparison.Ordinal); // names, not keys
            Assert.DoesNotContain("ks3", sentence, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(10, "Create the group Key stage 3 (pupils), starting with the blocks of Key stage 2")]
    [InlineData(2, "Allow Games for the group Staff on school days (Monday to Friday), 12:00 to 13:00 in term time only")]
    [InlineData(3, "Stop the time rule that allows Games for the group Staff on school days (Monday to Friday), 12:00 to 13:00 in term time only")]
    [InlineData(11, "Rename the group Key stage 2 to Upper juniors")]
    [InlineData(12, "Retire the group Key stage 2 (it will filter nobody; its history stays in the log)")]
    [InlineData(13, "Turn off YouTube restricted mode for the group Staff")]
    [InlineData(14, "Show \u201cAsk your teacher if you need this site.\u201d on the block page for the group Key stage 2")]
    [InlineData(15, "Add the holiday October half term, 26 Oct \u2013 30 Oct 2026")]
    [InlineData(16, "Remove the holiday October half term, 26 Oct \u2013 30 Oct 2026, from the school calendar")]
    [InlineData(17, "Add the feed Trust list (a hosts file at https://trust.example.org/block.txt), its names listed as Games")]
    [InlineData(18, "Remove the feed Trust list (https://trust.example.org/block.txt): its names are no longer listed as Games")]
    public void Describe_NewKinds_ReadAsPlainEnglish(int example, string expected)
        => Assert.Equal(expected, ChangeSummaries.Describe(Examples[example], Names));

    [Fact]
    public void Describe_EdgeCases_StillReadWell()
    {
        Assert.Equal(
            "Create the group Visitors (guests), blocking only the always-on categories to start with",
            ChangeSummaries.Describe(new CreateGroupChange("visitors", "Visitors", GroupKind.Guests, SafeSearchMode.Strict, null), Names));
        Assert.Equal("Use the built-in block page wording for the group Staff", ChangeSummaries.Describe(new SetBlockPageTextChange("staff", null), Names));
        Assert.Equal("Set YouTube restricted mode to strict for the group Staff", ChangeSummaries.Describe(new SetYouTubeModeChange("staff", SafeSearchMode.Strict), Names));
        Assert.Equal("Remove a term or holiday that is no longer in the calendar", ChangeSummaries.Describe(new RemoveCalendarEntryChange(99), Names));
        Assert.Equal(
            "Add the term Spring term, 5 Jan 2027",
            ChangeSummaries.Describe(new AddCalendarEntryChange(CalendarEntryKind.Term, "Spring term", new DateOnly(2027, 1, 5), new DateOnly(2027, 1, 5)), Names));
        Assert.Equal(
            "Add the holiday Christmas, 19 Dec 2026 \u2013 3 Jan 2027",
            ChangeSummaries.Describe(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "Christmas", new DateOnly(2026, 12, 19), new DateOnly(2027, 1, 3)), Names));
        var longText = new string('a', 300);
        Assert.EndsWith("\u2026\u201d on the block page for the group Staff", ChangeSummaries.Describe(new SetBlockPageTextChange("staff", longText), Names), StringComparison.Ordinal);
    }
}
