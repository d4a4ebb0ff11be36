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
        { "mapping", new SetClientMappingChange(ClientMappingKind.Subnet, "10.0.8.0/24", "ks3"), """{"group":null}""", """{"group":"ks3"}""", "The subnet 10.0.8.0/24: no group of its own → Pupils: Key Stage 3" },
        { "default", new SetDefaultGroupChange("staff"), """{"defaultGroup":"guests"}""", """{"defaultGroup":"staff"}""", "The group for devices no rule names: Guests and BYOD → Staff" },
        { "schedule", new AddScheduleChange("ks4", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780), "null", """{"category":"games","days":31,"effect":"allow","endMinute":780,"group":"ks4","startMinute":720}""", "Time rules for Games (the group Pupils: Key Stage 4): no such rule → allowed on school days (Monday to Friday), 12:00 to 13:00" },
        { "youtube", new SetYouTubeModeChange("ks3", SafeSearchMode.Strict), """{"youTubeMode":"moderate"}""", """{"youTubeMode":"strict"}""", "YouTube restricted mode for the group Pupils: Key Stage 3: moderate → strict" },
        { "rename", new RenameGroupChange("ks3", "Key stage 3"), """{"name":"Pupils: Key Stage 3"}""", """{"name":"Key stage 3"}""", "The name of the group Pupils: Key Stage 3: Pupils: Key Stage 3 → Key stage 3" },
        { "create", new CreateGroupChange("year-7", "Year 7", GroupKind.Pupils, SafeSearchMode.Strict, "ks3"), "null", """{"copyFromGroupKey":"ks3","kind":"pupils","name":"Year 7","safeSearch":"strict"}""", "The group Year 7: does not exist → copy from group Pupils: Key Stage 3, kind pupils, name Year 7, safe search strict" },
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
