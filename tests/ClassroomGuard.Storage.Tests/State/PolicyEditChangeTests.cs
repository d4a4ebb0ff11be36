using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>The policy editor's change kinds (schema V7): groups, YouTube mode, block page text, calendar, term-time windows.</summary>
public sealed class PolicyEditChangeTests : IDisposable
{
    private readonly StateTestContext _context = new();
    private UserAccount? _alice;
    private UserAccount? _bob;

    private static CancellationToken Token => StateTestContext.Token;

    private StateStore Store => _context.Store;

    public void Dispose() => _context.Dispose();

    private async Task<(UserAccount Alice, UserAccount Bob)> UsersAsync()
    {
        _alice ??= await _context.UserAsync("alice", Role.Technician);
        _bob ??= await _context.UserAsync("bob", Role.Administrator);
        return (_alice, _bob);
    }

    private async Task<ChangeResult> ProposeAsync(PolicyChange change)
    {
        var (alice, _) = await UsersAsync();
        return await Store.ChangeControl.ProposeAsync(alice.Id, change, "the editor test", Token);
    }

    /// <summary>Proposed by a technician, approved by an administrator, applied: returns the change id.</summary>
    private async Task<long> ApplyAsync(PolicyChange change)
    {
        var (_, bob) = await UsersAsync();
        var proposed = await ProposeAsync(change);
        Assert.True(proposed.Succeeded, $"{change}: {proposed.Refusal} {proposed.Detail}");
        var approved = await Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, "agreed", Token);
        Assert.True(approved.Succeeded, $"{change}: {approved.Refusal} {approved.Detail}");
        return proposed.Entry.ChangeId;
    }

    private async Task<string> RefusedAsync(PolicyChange change, ChangeRefusal expected = ChangeRefusal.Invalid)
    {
        var result = await ProposeAsync(change);
        Assert.False(result.Succeeded, $"{change} was accepted");
        Assert.Equal(expected, result.Refusal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
        return result.Detail!;
    }

    private async Task<GroupPolicy> GroupAsync(string key) => (await Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == key);

    // ---- Create ----

    [Fact]
    public async Task CreateGroup_CopyingKs2_StartsWithKs2sBlocksAndTheAlwaysOnOnes()
    {
        var ks2 = await GroupAsync("ks2");
        await ApplyAsync(new UnblockCategoryChange("ks2", "games"));
        var proposed = await ProposeAsync(new CreateGroupChange("ks3-new", "  Key stage 3 (new)  ", GroupKind.Pupils, SafeSearchMode.Moderate, "ks2"));
        Assert.True(proposed.Succeeded, proposed.Detail);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal("Key stage 3 (new)", ((CreateGroupChange)pending.Change).Name); // trimmed before it is recorded
        Assert.Contains("\"copyFrom\":\"ks2\"", pending.Before, StringComparison.Ordinal);
        Assert.Contains("\"youTubeMode\":\"moderate\"", pending.After, StringComparison.Ordinal);

        var (_, bob) = await UsersAsync();
        Assert.True((await Store.ChangeControl.ApproveAsync(bob.Id, pending.ChangeId, null, Token)).Succeeded);

        var created = await GroupAsync("ks3-new");
        Assert.Equal("Key stage 3 (new)", created.Name);
        Assert.Equal(GroupKind.Pupils, created.Kind);
        Assert.Equal(SafeSearchMode.Moderate, created.SafeSearch);
        Assert.Equal(SafeSearchMode.Moderate, created.YouTubeMode);
        Assert.False(created.IsRetired);
        Assert.False(created.IsDefault);
        Assert.Null(created.BlockPageText);
        Assert.Empty(created.Schedules);
        var expected = ks2.BlockedCategories.Where(c => c != "games").ToHashSet();
        Assert.Equal(expected.Order(), created.BlockedCategories.Order());
        Assert.Contains("child_abuse", created.BlockedCategories);
        Assert.Contains("terrorism", created.BlockedCategories);
    }

    [Fact]
    public async Task CreateGroup_WithoutCopy_BlocksOnlyTheAlwaysOnCategories()
    {
        await ApplyAsync(new CreateGroupChange("visitors", "Visitors", GroupKind.Guests, SafeSearchMode.Strict, null));

        Assert.Equal(["child_abuse", "terrorism"], (await GroupAsync("visitors")).BlockedCategories.Order());
    }

    [Fact]
    public async Task CreateGroup_SourceChangedAfterProposal_ApprovalRefusedAsStale()
    {
        var proposed = await ProposeAsync(new CreateGroupChange("ks3b", "Key stage 3 B", GroupKind.Pupils, SafeSearchMode.Strict, "ks5"));
        await ApplyAsync(new BlockCategoryChange("ks5", "social_networking"));
        var (_, bob) = await UsersAsync();

        var approved = await Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, null, Token);

        Assert.Equal(ChangeRefusal.Stale, approved.Refusal);
        Assert.DoesNotContain((await Store.Policy.GetSnapshotAsync(Token)).Groups, g => g.Key == "ks3b");
    }

    [Theory]
    [InlineData("")]
    [InlineData("KS3")]
    [InlineData("-ks3")]
    [InlineData("ks 3")]
    [InlineData("ks_3")]
    [InlineData("ks3\n")]
    [InlineData("ks3;drop table groups")]
    [InlineData("ñandú")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")] // 33 characters
    public async Task CreateGroup_MalformedKey_RefusedWithTheRule(string key)
    {
        var detail = await RefusedAsync(new CreateGroupChange(key, "Key stage 3", GroupKind.Pupils, SafeSearchMode.Strict, null));

        Assert.Contains("lower-case letters, digits or hyphens", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGroup_LongestKey_Accepted()
        => await ApplyAsync(new CreateGroupChange("abcdefghijklmnopqrstuvwxyz012345", "Long key", GroupKind.Staff, SafeSearchMode.Off, null));

    [Fact]
    public async Task CreateGroup_NullKey_Refused()
        => await RefusedAsync(new CreateGroupChange(null!, "Key stage 3", GroupKind.Pupils, SafeSearchMode.Strict, null));

    [Fact]
    public async Task CreateGroup_KeyTaken_RefusedNamingTheGroup()
    {
        var detail = await RefusedAsync(new CreateGroupChange("ks2", "Another", GroupKind.Pupils, SafeSearchMode.Strict, null));

        Assert.Equal("The key 'ks2' is already used by the group Pupils: Key Stage 2; choose another.", detail);
    }

    [Theory]
    [InlineData("", "Give the group a name.")]
    [InlineData("   ", "Give the group a name.")]
    [InlineData("Year 7\u0000", "The group's name must be plain text on one line.")]
    [InlineData("Year 7\nYear 8", "The group's name must be plain text on one line.")]
    [InlineData("pupils: KEY STAGE 2", "Another group is already called Pupils: Key Stage 2; choose a different name.")]
    public async Task CreateGroup_BadName_RefusedWithReason(string name, string expected)
        => Assert.Equal(expected, await RefusedAsync(new CreateGroupChange("year7", name, GroupKind.Pupils, SafeSearchMode.Strict, null)));

    [Fact]
    public async Task CreateGroup_NameLengths_60AcceptedAnd61Refused()
    {
        Assert.Equal(
            "The group's name has 61 characters; at most 60 are allowed.",
            await RefusedAsync(new CreateGroupChange("long", new string('n', 61), GroupKind.Pupils, SafeSearchMode.Strict, null)));
        await ApplyAsync(new CreateGroupChange("long", new string('n', 60), GroupKind.Pupils, SafeSearchMode.Strict, null));
    }

    [Fact]
    public async Task CreateGroup_UnknownSourceOrKind_Refused()
    {
        Assert.Contains("no group 'ks9'", await RefusedAsync(new CreateGroupChange("x", "X", GroupKind.Pupils, SafeSearchMode.Strict, "ks9")), StringComparison.Ordinal);
        await RefusedAsync(new CreateGroupChange("x", "X", (GroupKind)7, SafeSearchMode.Strict, null));
        await RefusedAsync(new CreateGroupChange("x", "X", GroupKind.Pupils, (SafeSearchMode)7, null));
    }

    [Fact]
    public async Task CreateGroup_ThirtyTwoActiveGroups_RefusedUntilOneIsRetired()
    {
        // The seed has 8 groups; 24 more make the most the DNS filter supports.
        for (var i = 0; i < PolicyLimits.MaxActiveGroups - 8; i++)
        {
            await ApplyAsync(new CreateGroupChange($"g{i}", $"Group {i}", GroupKind.Pupils, SafeSearchMode.Strict, null));
        }

        var detail = await RefusedAsync(new CreateGroupChange("one-more", "One more", GroupKind.Pupils, SafeSearchMode.Strict, null));
        Assert.Equal("There are already 32 groups in use, the most the filter supports (32); retire a group you no longer need first.", detail);

        await ApplyAsync(new RetireGroupChange("g0"));
        await ApplyAsync(new CreateGroupChange("one-more", "One more", GroupKind.Pupils, SafeSearchMode.Strict, null));
        Assert.Equal(32, (await Store.Policy.GetSnapshotAsync(Token)).ActiveGroups.Count);
        Assert.Equal(33, (await Store.Policy.GetSnapshotAsync(Token)).Groups.Count);
    }

    // ---- Rename ----

    [Fact]
    public async Task RenameGroup_Approved_ChangesTheNameNotTheKey()
    {
        await ApplyAsync(new RenameGroupChange("ks2", " Upper juniors "));

        Assert.Equal("Upper juniors", (await GroupAsync("ks2")).Name);
    }

    [Fact]
    public async Task RenameGroup_Refusals()
    {
        Assert.Equal("No group 'nope'.", await RefusedAsync(new RenameGroupChange("nope", "X")));
        Assert.Equal("The name is already 'Staff'.", await RefusedAsync(new RenameGroupChange("staff", "Staff"), ChangeRefusal.NoEffect));
        Assert.Equal("Another group is already called Staff; choose a different name.", await RefusedAsync(new RenameGroupChange("ks2", "staff")));
        Assert.Equal("Give the group a name.", await RefusedAsync(new RenameGroupChange("ks2", "")));
        await ApplyAsync(new RenameGroupChange("staff", "STAFF")); // a change of case is a rename, not a clash
    }

    [Fact]
    public async Task RenameGroup_NameOfARetiredGroup_MayBeReused()
    {
        await ApplyAsync(new CreateGroupChange("old", "Year 6 leavers", GroupKind.Pupils, SafeSearchMode.Strict, null));
        await ApplyAsync(new RetireGroupChange("old"));

        await ApplyAsync(new RenameGroupChange("ks2", "Year 6 leavers"));

        Assert.Equal("Year 6 leavers", (await GroupAsync("ks2")).Name);
        Assert.True((await GroupAsync("old")).IsRetired);
    }

    // ---- Retire ----

    [Fact]
    public async Task RetireGroup_Unused_IsRetiredAndLeftOutOfActiveGroups()
    {
        await ApplyAsync(new CreateGroupChange("trial", "Trial", GroupKind.Staff, SafeSearchMode.Strict, null));

        await ApplyAsync(new RetireGroupChange("trial"));

        var snapshot = await Store.Policy.GetSnapshotAsync(Token);
        var trial = snapshot.Groups.Single(g => g.Key == "trial");
        Assert.True(trial.IsRetired);
        Assert.Equal(_context.Clock.Now, trial.RetiredAt);
        Assert.DoesNotContain(snapshot.ActiveGroups, g => g.Key == "trial");
        var overview = await Store.Policy.ListGroupsAsync(Token);
        Assert.Contains(overview, o => o.Group.Key == "trial" && o.Group.IsRetired);
    }

    [Fact]
    public async Task RetireGroup_Refusals_SayWhy()
    {
        Assert.Equal(
            "Guests and BYOD is the default group for devices nothing else matches; make another group the default before retiring it.",
            await RefusedAsync(new RetireGroupChange("guests")));
        Assert.Equal("No group 'nope'.", await RefusedAsync(new RetireGroupChange("nope")));

        var d1 = await Store.Devices.ObserveAsync(new DeviceObservation(_context.Clock.Now, DeviceSource.Manual, "aa:bb:cc:00:00:01", "10.0.0.1"), Token);
        var d2 = await Store.Devices.ObserveAsync(new DeviceObservation(_context.Clock.Now, DeviceSource.Manual, "aa:bb:cc:00:00:02", "10.0.0.2"), Token);
        await ApplyAsync(new SetDeviceGroupChange(d1, "ks2"));
        await ApplyAsync(new SetDeviceGroupChange(d2, "ks2"));
        await ApplyAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.2.0.0/16", "ks2"));
        Assert.Equal(
            "Pupils: Key Stage 2 still has 2 devices and 1 address mapping (subnet, IP or MAC) in it; move them to another group before retiring it.",
            await RefusedAsync(new RetireGroupChange("ks2")));
        var overview = (await Store.Policy.ListGroupsAsync(Token)).Single(o => o.Group.Key == "ks2");
        Assert.Equal((2, 1), (overview.DeviceCount, overview.MappingCount));

        await ApplyAsync(new SetDeviceGroupChange(d1, null));
        await ApplyAsync(new SetDeviceGroupChange(d2, null));
        Assert.Equal(
            "Pupils: Key Stage 2 still has 1 address mapping (subnet, IP or MAC) in it; move them to another group before retiring it.",
            await RefusedAsync(new RetireGroupChange("ks2")));
        await ApplyAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.2.0.0/16", null));
        await ApplyAsync(new RetireGroupChange("ks2"));
        Assert.Equal("Pupils: Key Stage 2 is already retired.", await RefusedAsync(new RetireGroupChange("ks2"), ChangeRefusal.NoEffect));
    }

    [Fact]
    public async Task RetiredGroup_EveryChangeToItOrIntoIt_Refused()
    {
        await ApplyAsync(new RetireGroupChange("ks1"));
        var device = await Store.Devices.ObserveAsync(new DeviceObservation(_context.Clock.Now, DeviceSource.Manual, "aa:bb:cc:00:00:09", "10.0.0.9"), Token);
        const string Expected = "Pupils: Key Stage 1 is retired: it filters nobody and can no longer be changed.";

        PolicyChange[] changes =
        [
            new RenameGroupChange("ks1", "Infants"),
            new BlockCategoryChange("ks1", "games"),
            new UnblockCategoryChange("ks1", "games"),
            new AddScheduleChange("ks1", "games", ScheduleEffect.Allow, SchoolDays.Monday, 600, 660),
            new SetDomainRuleChange("example.org", "ks1", RuleAction.Allow),
            new SetSafeSearchChange("ks1", SafeSearchMode.Off),
            new SetYouTubeModeChange("ks1", SafeSearchMode.Off),
            new SetBlockPageTextChange("ks1", "Hello"),
            new SetClientMappingChange(ClientMappingKind.Ip, "10.0.0.50", "ks1"),
            new SetDefaultGroupChange("ks1"),
            new SetDeviceGroupChange(device, "ks1"),
        ];
        foreach (var change in changes)
        {
            Assert.Equal(Expected, await RefusedAsync(change));
        }
    }

    [Fact]
    public void DefaultGroup_RetiredBehindTheStoresBack_RefusedByTheDatabase()
    {
        _ = Store;
        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => _context.RawSql("UPDATE groups SET retired_at = 1 WHERE key = 'guests'"));
        Assert.Contains("default group cannot be retired", error.Message, StringComparison.Ordinal);
    }

    // ---- YouTube mode and block page text ----

    [Fact]
    public async Task SetYouTubeMode_IsIndependentOfSafeSearch()
    {
        await ApplyAsync(new SetYouTubeModeChange("ks3", SafeSearchMode.Off));
        await ApplyAsync(new SetSafeSearchChange("staff", SafeSearchMode.Off));

        var ks3 = await GroupAsync("ks3");
        var staff = await GroupAsync("staff");
        Assert.Equal((SafeSearchMode.Strict, SafeSearchMode.Off), (ks3.SafeSearch, ks3.YouTubeMode));
        Assert.Equal((SafeSearchMode.Off, SafeSearchMode.Moderate), (staff.SafeSearch, staff.YouTubeMode));
        Assert.Equal("The youTubeMode is already 'off'.", await RefusedAsync(new SetYouTubeModeChange("ks3", SafeSearchMode.Off), ChangeRefusal.NoEffect));
        await RefusedAsync(new SetYouTubeModeChange("ks3", (SafeSearchMode)9));
        await RefusedAsync(new SetYouTubeModeChange("nope", SafeSearchMode.Off));
    }

    [Fact]
    public async Task SetBlockPageText_StoredTrimmedAndResettable()
    {
        await ApplyAsync(new SetBlockPageTextChange("ks3", "  Ask your teacher.\r\nThey can request it.  "));
        Assert.Equal("Ask your teacher.\nThey can request it.", (await GroupAsync("ks3")).BlockPageText);

        await ApplyAsync(new SetBlockPageTextChange("ks3", "   "));
        Assert.Null((await GroupAsync("ks3")).BlockPageText);
        await RefusedAsync(new SetBlockPageTextChange("ks3", null), ChangeRefusal.NoEffect);
    }

    [Fact]
    public async Task SetBlockPageText_TooLongOrNotPlainText_Refused()
    {
        Assert.Equal(
            "The block page text has 501 characters; at most 500 are allowed.",
            await RefusedAsync(new SetBlockPageTextChange("ks3", new string('x', 501))));
        Assert.Equal(
            "The block page text must be plain text: it contains a control character.",
            await RefusedAsync(new SetBlockPageTextChange("ks3", "Blocked\u001b[31m")));
        await RefusedAsync(new SetBlockPageTextChange("ks3", "a\u0000b"));
        await ApplyAsync(new SetBlockPageTextChange("ks3", new string('x', 500)));
        await ApplyAsync(new SetBlockPageTextChange("ks3", "<script>alert(1)</script> is kept as text"));
        Assert.Equal("<script>alert(1)</script> is kept as text", (await GroupAsync("ks3")).BlockPageText);
    }

    // ---- Calendar ----

    [Fact]
    public async Task Calendar_AddTermAndHolidayThenRemove()
    {
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, "Autumn term", new DateOnly(2026, 9, 2), new DateOnly(2026, 12, 18)));
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, " October half term ", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)));

        var calendar = await Store.Policy.GetCalendarAsync(Token);
        Assert.Equal(["Autumn term", "October half term"], calendar.Entries.Select(e => e.Name));
        Assert.True(calendar.IsTermTime(new DateOnly(2026, 10, 23)));
        Assert.False(calendar.IsTermTime(new DateOnly(2026, 10, 26)));
        Assert.False(calendar.IsTermTime(new DateOnly(2026, 12, 19)));
        Assert.Equal(calendar.Entries, (await Store.Policy.GetSnapshotAsync(Token)).Calendar.Entries);

        var holiday = calendar.Entries.Single(e => e.Kind == CalendarEntryKind.Holiday);
        await ApplyAsync(new RemoveCalendarEntryChange(holiday.Id));
        Assert.True((await Store.Policy.GetCalendarAsync(Token)).IsTermTime(new DateOnly(2026, 10, 26)));
        Assert.Equal(
            "That term or holiday is not in the calendar (it may have been removed already).",
            await RefusedAsync(new RemoveCalendarEntryChange(holiday.Id)));
    }

    [Fact]
    public async Task Calendar_Refusals_SayWhy()
    {
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)));

        Assert.Equal(
            "It overlaps the holiday October half term (26 Oct – 30 Oct 2026); change the dates or remove that one first.",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "Inset day", new DateOnly(2026, 10, 30), new DateOnly(2026, 10, 30))));
        Assert.Equal(
            "The last day (1 Sep 2026) is before the first day (2 Sep 2026).",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, "Autumn", new DateOnly(2026, 9, 2), new DateOnly(2026, 9, 1))));
        Assert.Equal(
            "A term lasts at most 400 days; this one lasts 401.",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, "Forever", new DateOnly(2026, 1, 1), new DateOnly(2027, 2, 5))));
        Assert.Equal("Give the holiday a name.", await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, " ", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1))));
        Assert.Equal(
            "The term's name has 61 characters; at most 60 are allowed.",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, new string('t', 61), new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1))));
        await RefusedAsync(new AddCalendarEntryChange((CalendarEntryKind)5, "X", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1)));
        Assert.Equal(
            "A holiday lasts at most 400 days; this one lasts 3652059.",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "All time", DateOnly.MinValue, DateOnly.MaxValue)));
        Assert.Equal(
            "The last day (1 Jan 0001) is before the first day (31 Dec 9999).",
            await RefusedAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "Backwards", DateOnly.MaxValue, DateOnly.MinValue)));
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "The last day", DateOnly.MaxValue, DateOnly.MaxValue));
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "The first day", DateOnly.MinValue, DateOnly.MinValue));

        // A holiday inside a term is the point; 400 days is allowed; neighbours that only touch are not overlapping.
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Term, "Long year", new DateOnly(2026, 1, 1), new DateOnly(2027, 2, 4)));
        await ApplyAsync(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "Inset day", new DateOnly(2026, 10, 31), new DateOnly(2026, 10, 31)));
    }

    // ---- Schedules ----

    [Fact]
    public async Task AddSchedule_TermTimeOnly_StoredAndRead()
    {
        await ApplyAsync(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Friday, 900, 960, TermTimeOnly: true));

        var schedule = Assert.Single((await GroupAsync("ks3")).Schedules);
        Assert.True(schedule.TermTimeOnly);
        Assert.False(Assert.Single((await GroupAsync("staff")).Schedules).TermTimeOnly); // the seeded one, every week
    }

    [Fact]
    public async Task AddSchedule_OverlappingAWindowOfTheSameGroupAndCategory_RefusedNamingIt()
    {
        // Seed: Games allowed for Staff, Monday to Friday 12:00–13:00.
        Assert.Equal(
            "This window overlaps the existing window \"Games allowed for Staff on Monday to Friday 12:00–13:00\"; change or remove that one first.",
            await RefusedAsync(new AddScheduleChange("staff", "games", ScheduleEffect.Block, SchoolDays.Wednesday, 750, 765)));
        await RefusedAsync(new AddScheduleChange("staff", "games", ScheduleEffect.Allow, SchoolDays.All, 0, 1440, TermTimeOnly: true));

        // Touching, another day, another category or another group: no overlap.
        await ApplyAsync(new AddScheduleChange("staff", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 780, 800));
        await ApplyAsync(new AddScheduleChange("staff", "games", ScheduleEffect.Allow, SchoolDays.Saturday | SchoolDays.Sunday, 720, 780));
        await ApplyAsync(new AddScheduleChange("staff", "social_networking", ScheduleEffect.Block, SchoolDays.Weekdays, 720, 780));
        await ApplyAsync(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780, TermTimeOnly: true));
        Assert.Contains(
            "\"Games allowed for Pupils: Key Stage 3 on Monday to Friday 12:00–13:00 in term time only\"",
            await RefusedAsync(new AddScheduleChange("ks3", "games", ScheduleEffect.Allow, SchoolDays.Tuesday | SchoolDays.Thursday, 700, 721)),
            StringComparison.Ordinal);
    }

    // ---- Domain rules remember why ----

    [Fact]
    public async Task SetDomainRule_Approved_KeepsReasonChangeIdAndApprovalTime()
    {
        var changeId = await ApplyAsync(new SetDomainRuleChange("Example.ORG.", "ks3", RuleAction.Deny));

        var rule = Assert.Single((await Store.Policy.GetSnapshotAsync(Token)).DomainRules);
        Assert.Equal(("example.org", "ks3", RuleAction.Deny), (rule.Domain, rule.GroupKey, rule.Action));
        Assert.Equal("the editor test", rule.Reason);
        Assert.Equal(changeId, rule.ChangeId);
        Assert.Equal(_context.Clock.Now, rule.ApprovedAt);
    }

    // ---- Who ----

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task NewKinds_OnlyTechniciansAndAdministratorsProposeOrApprove(Role role)
    {
        var other = await _context.UserAsync("other", role);
        var (alice, _) = await UsersAsync();
        PolicyChange[] changes =
        [
            new CreateGroupChange("x", "X", GroupKind.Pupils, SafeSearchMode.Strict, null),
            new SetYouTubeModeChange("ks3", SafeSearchMode.Off),
            new AddCalendarEntryChange(CalendarEntryKind.Term, "T", new DateOnly(2026, 1, 5), new DateOnly(2026, 3, 27)),
        ];
        foreach (var change in changes)
        {
            Assert.Equal(ChangeRefusal.NotPermitted, (await Store.ChangeControl.ProposeAsync(other.Id, change, "why", Token)).Refusal);
            var proposed = await Store.ChangeControl.ProposeAsync(alice.Id, change, "why", Token);
            Assert.Equal(ChangeRefusal.NotPermitted, (await Store.ChangeControl.ApproveAsync(other.Id, proposed.Entry!.ChangeId, null, Token)).Refusal);
        }
    }
}
