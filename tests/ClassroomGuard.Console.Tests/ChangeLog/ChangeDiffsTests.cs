using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>Before → after in words: names, not keys; words, not JSON.</summary>
public sealed class ChangeDiffsTests : IDisposable
{
    private readonly Administration.AdminTestContext school = new();

    public void Dispose() => school.Dispose();

    public static TheoryData<string, PolicyChange, string, string, string> Cases => new()
    {
        { "block", new BlockCategoryChange("ks3", "games"), """{"blocked":false}""", """{"blocked":true}""", "Games for the group Pupils: Key Stage 3: allowed → blocked" },
        { "unblock", new UnblockCategoryChange("staff", "social_networking"), """{"blocked":true}""", """{"blocked":false}""", "Social networking for the group Staff: blocked → allowed" },
        { "deny", new SetDomainRuleChange("poki.com", null, RuleAction.Deny), """{"action":null}""", """{"action":"deny"}""", "poki.com for every group: no rule (the categories decide) → always blocked" },
        { "allow", new SetDomainRuleChange("bbc.co.uk", "ks2", RuleAction.Allow), """{"action":"deny"}""", """{"action":"allow"}""", "bbc.co.uk for the group Pupils: Key Stage 2: always blocked → always allowed" },
        { "safesearch", new SetSafeSearchChange("ks5", SafeSearchMode.Strict), """{"mode":"moderate"}""", """{"mode":"strict"}""", "SafeSearch for the group Pupils: Key Stage 5 (sixth form): moderate → strict" },
        { "mapping", new SetClientMappingChange(ClientMappingKind.Subnet, "10.0.8.0/24", "ks3"), """{"group":null}""", """{"group":"ks3"}""", "The subnet 10.0.8.0/24: not mapped to a group → Pupils: Key Stage 3" },
        { "device to a group", new SetDeviceGroupChange(9, "ks3"), """{"group":null}""", """{"group":"ks3"}""", "a device no longer in the inventory: in the group its network address gives it → Pupils: Key Stage 3" },
        { "device back to its address", new SetDeviceGroupChange(9, null), """{"group":"ks3"}""", """{"group":null}""", "a device no longer in the inventory: Pupils: Key Stage 3 → in the group its network address gives it" },
        { "default", new SetDefaultGroupChange("staff"), """{"defaultGroup":"guests"}""", """{"defaultGroup":"staff"}""", "The group for devices no rule names: Guests and BYOD → Staff" },
        { "schedule", new AddScheduleChange("ks4", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780), "null", """{"category":"games","days":31,"effect":"allow","endMinute":780,"group":"ks4","startMinute":720}""", "Time rules for Games (the group Pupils: Key Stage 4): no time rule → allowed on school days (Monday to Friday), 12:00 to 13:00" },
        { "youtube", new SetYouTubeModeChange("ks3", SafeSearchMode.Strict), """{"youTubeMode":"moderate"}""", """{"youTubeMode":"strict"}""", "YouTube restricted mode for the group Pupils: Key Stage 3: moderate → strict" },
        { "rename", new RenameGroupChange("ks3", "Key stage 3"), """{"name":"Pupils: Key Stage 3"}""", """{"name":"Key stage 3"}""", "The name of the group Pupils: Key Stage 3: Pupils: Key Stage 3 → Key stage 3" },
        { "create", new CreateGroupChange("year-7", "Year 7", GroupKind.Pupils, SafeSearchMode.Strict, "ks3"), """{"blocked":["games"],"copyFrom":"ks3"}""", """{"blocked":["child_abuse","games","terrorism"],"key":"year-7","kind":"pupils","name":"Year 7","safeSearch":"strict","youTubeMode":"strict"}""", "The group Year 7: does not exist → a group for pupils, SafeSearch strict, YouTube restricted mode strict; Blocked for Year 7: nothing → Child sexual abuse content (IWF list), Games, Terrorist content (CTIRU list)" },
        { "retire", new RetireGroupChange("ks5"), """{"retired":false}""", """{"retired":true}""", "The group Pupils: Key Stage 5 (sixth form): in use → retired: it filters nobody, and stays in the log's history" },
        { "block page", new SetBlockPageTextChange("ks3", "Ask your teacher"), """{"blockPageText":null}""", """{"blockPageText":"Ask your teacher"}""", "The block page text for the group Pupils: Key Stage 3: the built-in wording → “Ask your teacher”" },
        { "calendar add", new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)), "null", """{"firstDay":"2026-10-26","kind":"holiday","lastDay":"2026-10-30","name":"October half term"}""", "The school calendar (holiday October half term): not in the calendar → Mon 26 Oct 2026 to Fri 30 Oct 2026" },
        { "calendar remove", new RemoveCalendarEntryChange(4), """{"firstDay":"2026-09-02","kind":"term","lastDay":"2026-12-18","name":"Autumn term"}""", "null", "The school calendar (term Autumn term): Wed 2 Sep 2026 to Fri 18 Dec 2026 → removed" },
        { "feed add", new AddListFeedChange("Trust list", "https://trust.example.org/block.txt", "Hosts", "games"), "null", """{"category":"games","format":"Hosts","name":"Trust list","url":"https://trust.example.org/block.txt"}""", "The feed Trust list: not in use → a hosts file at https://trust.example.org/block.txt, its names listed as Games" },
        { "feed remove", new RemoveListFeedChange(6), """{"category":"games","format":"Plain","name":"Trust list","url":"https://trust.example.org/block.txt"}""", "null", "The feed Trust list: a domain list at https://trust.example.org/block.txt, its names listed as Games → removed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Describe_KnownKinds_Words(string name, PolicyChange change, string before, string after, string expected)
    {
        var names = await NamesAsync();

        var diff = ChangeDiffs.Describe(change, before, after, names);

        Assert.True(expected == ChangeDiffs.Text(diff), $"{name}: {ChangeDiffs.Text(diff)}");
        Assert.DoesNotContain("{", ChangeDiffs.Text(diff), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_TemporaryUnblock_SchoolTime()
    {
        var room = await school.RoomAsync("Main", "Room 12");
        var names = new PolicyNames(await school.Store.Policy.GetSnapshotAsync(default), new Dictionary<long, string>(), new Dictionary<long, string> { [room.Id] = "Room 12" }, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        var change = new TemporaryUnblockChange("youtube.com", ActionScope.Room, null, room.Id, new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero));

        var text = ChangeDiffs.Text(ChangeDiffs.Describe(change, "null", "{}", names));

        Assert.Equal("youtube.com for the room Room 12: filtered as usual → open from Wed 1 Jul 10:00 until Wed 1 Jul 11:00, then filtered again", text); // BST
    }

    [Theory]
    [InlineData("not json", "{")]
    [InlineData("", "")]
    [InlineData("[1,2]", """{"a":{"b":1}}""")]
    public async Task Describe_GarbledOrOddJson_StillWordsNeverThrows(string before, string after)
    {
        var names = await NamesAsync();

        var diff = ChangeDiffs.Describe(new SetDefaultGroupChange("staff"), before, after, names);
        var generic = ChangeDiffs.Describe(new RemoveCalendarEntryChange(3), before, after, names);
        var unreadable = ChangeDiffs.Describe(null, before, after, names);

        Assert.Single(diff);
        Assert.Single(generic);
        Assert.Contains("cannot be read", ChangeDiffs.Text(unreadable), StringComparison.Ordinal);
    }

    private async Task<PolicyNames> NamesAsync()
        => new(await school.Store.Policy.GetSnapshotAsync(default), new Dictionary<long, string>(), new Dictionary<long, string>(), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
}
