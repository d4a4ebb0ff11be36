using ClassroomGuard.Console.Policy;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy;

/// <summary>
/// The editor service over a real state database: every edit becomes a proposal with its reason in the change-control
/// log (nothing changes until a second person approves), bad values are refused beside their field, and roles other
/// than technician and administrator can neither read nor propose.
/// </summary>
public sealed class PolicyEditorTests : IDisposable
{
    private readonly PolicyTestContext school = new();

    private static CancellationToken Token => PolicyTestContext.Token;

    public void Dispose() => school.Dispose();

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task OtherRoles_CannotReadOrPropose_AndTheLogStaysEmpty(Role role)
    {
        var user = await school.UserAsync("not.editor", "Not Editor", role);
        var editor = school.EditorFor(user);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => editor.GroupsAsync(Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => editor.GroupAsync("ks3", Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => editor.CalendarAsync(Token));
        var prepared = await editor.PrepareCategoryAsync("ks3", "social_networking", CategoryState.Allowed, Token);
        var result = await editor.ProposeAsync(prepared.Proposal!, "I would like to", Token);

        Assert.False(result.Succeeded);
        Assert.Contains("Only a technician or administrator", result.Message, StringComparison.Ordinal);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task Technician_DisabledSinceSigningIn_IsRefused()
    {
        var admin = await school.UserAsync("ada.admin", "Ada Admin", Role.Administrator);
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var editor = school.EditorFor(tech);
        Assert.Equal(UpdateUserOutcome.Updated, await school.Store.Users.SetDisabledAsync(tech.Id, true, Token));
        _ = admin;

        var prepared = await editor.PrepareCategoryAsync("ks3", "social_networking", CategoryState.Allowed, Token);
        var result = await editor.ProposeAsync(prepared.Proposal!, "Coursework", Token);

        Assert.False(result.Succeeded);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Theory]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task Editor_AllowsACategory_ProposalReachesTheLogWithTheReason_PolicyUnchanged(Role role)
    {
        var user = await school.UserAsync("editor", "Eve Editor", role);
        var editor = school.EditorFor(user);

        var prepared = await editor.PrepareCategoryAsync("ks5", "games", CategoryState.Allowed, Token);
        Assert.Null(prepared.Problem);
        Assert.Equal("Allow Games for Pupils: Key Stage 5 (sixth form) at all times", prepared.Proposal!.Summary);
        var result = await editor.ProposeAsync(prepared.Proposal, "  Esports club at lunch  ", Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("waiting for a second technician or administrator", result.Message, StringComparison.Ordinal);
        var pending = await school.SinglePendingAsync();
        Assert.Equal(new UnblockCategoryChange("ks5", "games"), pending.Change);
        Assert.Equal("Esports club at lunch", pending.Reason);
        Assert.Equal(user.Id, pending.ProposerId);
        var snapshot = await school.Store.Policy.GetSnapshotAsync(Token);
        Assert.Contains("games", snapshot.Groups.Single(g => g.Key == "ks5").BlockedCategories); // not applied until approved
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Propose_NoReason_RefusedBesideTheReasonField(string? reason)
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));
        var prepared = await editor.PrepareSearchModeAsync("staff", youTube: false, SafeSearchMode.Strict, Token);

        var result = await editor.ProposeAsync(prepared.Proposal!, reason, Token);

        Assert.False(result.Succeeded);
        Assert.Equal(PolicyFields.Reason, result.Field);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task Propose_ReasonOverTheLimit_RefusedBesideTheReasonField()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));
        var prepared = await editor.PrepareSearchModeAsync("staff", youTube: false, SafeSearchMode.Strict, Token);

        var result = await editor.ProposeAsync(prepared.Proposal!, new string('x', 201), Token);

        Assert.Equal(PolicyFields.Reason, result.Field);
    }

    [Fact]
    public async Task AlwaysOnCategory_CannotBeAllowedOrScheduled()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));
        var view = (await editor.GroupAsync("staff", Token))!;
        var abuse = view.Categories.Single(c => c.Key == "child_abuse");

        Assert.True(abuse.AlwaysOn);
        Assert.Equal(CategoryState.Blocked, abuse.State);
        Assert.DoesNotContain(view.CategoryChoices, c => c.Key is "child_abuse" or "terrorism");
        Assert.Null((await editor.PrepareCategoryAsync("staff", "child_abuse", CategoryState.Allowed, Token)).Proposal);
        Assert.Null((await editor.PrepareCategoryAsync("staff", "terrorism", CategoryState.Allowed, Token)).Proposal);
        var window = await editor.PrepareWindowAsync("staff", new ScheduleForm { Category = "terrorism", Effect = ScheduleEffect.Allow }, Token);
        Assert.Equal(PolicyFields.Category, window.Problem!.Field);
    }

    public static TheoryData<string, ScheduleForm> BadWindows => new()
    {
        { PolicyFields.Days, new ScheduleForm { Category = "games", Days = SchoolDays.None } },
        { PolicyFields.End, new ScheduleForm { Category = "games", Start = new(13, 0, 0), End = new(12, 0, 0) } },
        { PolicyFields.End, new ScheduleForm { Category = "games", Start = new(9, 0, 0), End = new(9, 0, 0) } },
        { PolicyFields.Start, new ScheduleForm { Category = "games", Start = null } },
        { PolicyFields.Category, new ScheduleForm { Category = "no_such_category" } },
        { PolicyFields.Category, new ScheduleForm { Category = null } },
        { PolicyFields.Start, new ScheduleForm { Category = "games", Days = SchoolDays.Wednesday, Start = new(12, 30, 0), End = new(14, 0, 0) } }, // overlaps the staff lunch window
    };

    [Theory]
    [MemberData(nameof(BadWindows))]
    public async Task Window_BadValues_RefusedBesideTheField(string field, ScheduleForm form)
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var prepared = await editor.PrepareWindowAsync("staff", form, Token);

        Assert.Null(prepared.Proposal);
        Assert.Equal(field, prepared.Problem!.Field);
    }

    [Fact]
    public async Task Window_Overlap_SaysWhichWindowInWords()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var prepared = await editor.PrepareWindowAsync("staff", new ScheduleForm { Category = "games", Days = SchoolDays.Friday, Start = new(12, 30, 0), End = new(14, 0, 0) }, Token);

        Assert.Equal("This overlaps the window allowed Monday to Friday, 12:00 to 13:00: change the days or times, or remove that window first.", prepared.Problem!.Message);
    }

    [Fact]
    public async Task Window_Good_ProposedAsAnAddScheduleInMinutes()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var editor = school.EditorFor(tech);
        var form = new ScheduleForm { Category = "chat", Effect = ScheduleEffect.Allow, Days = SchoolDays.Tuesday | SchoolDays.Thursday, Start = new(15, 30, 0), End = TimeSpan.Zero, TermTimeOnly = true };

        var prepared = await editor.PrepareWindowAsync("ks4", form, Token);
        var result = await editor.ProposeAsync(prepared.Proposal!, "Media studies after school", Token);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(new AddScheduleChange("ks4", "chat", ScheduleEffect.Allow, SchoolDays.Tuesday | SchoolDays.Thursday, 930, 1440, TermTimeOnly: true), (await school.SinglePendingAsync()).Change);
        Assert.Equal("Allow Chat for Pupils: Key Stage 4 on Tuesday and Thursday, 15:30 to 24:00, term time only", prepared.Proposal!.Summary);
    }

    [Fact]
    public async Task ProposalByA_ShownToBAsPending_AndTheSameChangeIsNotProposedTwice()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var editorA = school.EditorFor(a);
        var editorB = school.EditorFor(b);
        var first = await editorA.ProposeAsync((await editorA.PrepareCategoryAsync("ks3", "gambling", CategoryState.Allowed, Token)).Proposal!, "Maths probability project", Token);
        Assert.True(first.Succeeded, first.Message);

        var view = (await editorB.GroupAsync("ks3", Token))!;
        var note = Assert.Single(view.Pending);
        Assert.Equal("Allow Gambling for Pupils: Key Stage 3 at all times", note.Summary);
        Assert.Equal("Alex Tech", note.ProposedBy);
        Assert.False(note.ByYou);
        Assert.Equal(note, Assert.Single(view.Categories.Single(c => c.Key == "gambling").Pending));
        Assert.Single((await editorB.GroupsAsync(Token)).Active.Single(g => g.Key == "ks3").Pending);

        var again = await editorB.ProposeAsync((await editorB.PrepareCategoryAsync("ks3", "gambling", CategoryState.Allowed, Token)).Proposal!, "Same idea", Token);
        Assert.False(again.Succeeded);
        Assert.Contains("already waiting for approval", again.Message, StringComparison.Ordinal);
        Assert.Contains("Alex Tech", again.Message, StringComparison.Ordinal);
        Assert.Single(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task ScheduledCategory_SetToAllowed_RemovesItsWindowsAndAllows_OneProposalEach()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));
        var staff = (await editor.GroupAsync("staff", Token))!;
        var games = staff.Categories.Single(c => c.Key == "games");
        Assert.Equal(CategoryState.Scheduled, games.State);
        Assert.Equal("Allowed Monday to Friday, 12:00 to 13:00", Assert.Single(games.Windows).Text);

        var prepared = await editor.PrepareCategoryAsync("staff", "games", CategoryState.Allowed, Token);
        var result = await editor.ProposeAsync(prepared.Proposal!, "Staff may play games in their own time", Token);

        Assert.True(result.Succeeded, result.Message);
        var changes = (await school.Store.ChangeControl.GetPendingAsync(Token)).Select(p => p.Change).ToList();
        Assert.Equal([new RemoveScheduleChange(games.Windows[0].Id), new UnblockCategoryChange("staff", "games")], changes);
    }

    [Fact]
    public async Task Groups_ListInWords_DefaultMarkedAndRetireRefusalsGiven()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var view = await editor.GroupsAsync(Token);

        var guests = view.Active.Single(g => g.Key == "guests");
        Assert.True(guests.IsDefault);
        Assert.Equal("Guests", guests.Kind);
        Assert.Contains("default group", guests.RetireRefusal, StringComparison.Ordinal);
        var staff = view.Active.Single(g => g.Key == "staff");
        Assert.Equal("Moderate", staff.SafeSearch);
        Assert.Null(staff.RetireRefusal);
        Assert.Null((await editor.PrepareRetireAsync("guests", Token)).Proposal);
        Assert.Null((await editor.PrepareMakeDefaultAsync("guests", Token)).Proposal);
    }

    [Fact]
    public async Task NewGroup_KeyDerivedFromTheName_NameInUseRefusedBesideTheName()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var taken = await editor.PrepareNewGroupAsync(new NewGroupForm { Name = "staff", Kind = GroupKind.Staff }, Token);
        var empty = await editor.PrepareNewGroupAsync(new NewGroupForm { Name = "  ", Kind = GroupKind.Staff }, Token);
        var good = await editor.PrepareNewGroupAsync(new NewGroupForm { Name = "Year 7 nurture", Kind = GroupKind.Pupils, CopyFrom = "ks3" }, Token);

        Assert.Equal(PolicyFields.Name, taken.Problem!.Field);
        Assert.Equal(PolicyFields.Name, empty.Problem!.Field);
        Assert.Equal(new CreateGroupChange("year-7-nurture", "Year 7 nurture", GroupKind.Pupils, SafeSearchMode.Strict, "ks3"), Assert.Single(good.Proposal!.Changes));
        Assert.Equal("Create the group Year 7 nurture (pupils), starting with what Pupils: Key Stage 3 blocks", good.Proposal.Summary);
    }

    [Fact]
    public async Task BlockPageText_OverTheLimitOrControlCharacters_RefusedBesideTheText()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var tooLong = await editor.PrepareBlockPageTextAsync("ks3", new BlockPageForm { Text = new string('a', 501) }, Token);
        var control = await editor.PrepareBlockPageTextAsync("ks3", new BlockPageForm { Text = "Blocked\u001b[2J" }, Token);
        var good = await editor.PrepareBlockPageTextAsync("ks3", new BlockPageForm { Text = "Blocked by school.\r\nAsk Mr Jones in IT1." }, Token);

        Assert.Equal(PolicyFields.Text, tooLong.Problem!.Field);
        Assert.Equal(PolicyFields.Text, control.Problem!.Field);
        Assert.Equal(new SetBlockPageTextChange("ks3", "Blocked by school.\nAsk Mr Jones in IT1."), Assert.Single(good.Proposal!.Changes));
    }

    [Fact]
    public async Task CalendarEntry_LastDayBeforeFirst_RefusedBesideTheLastDay()
    {
        var editor = school.EditorFor(await school.UserAsync("sam.tech", "Sam Technician", Role.Technician));

        var backwards = await editor.PrepareCalendarEntryAsync(new CalendarForm { Name = "Autumn term", FirstDay = new DateTime(2026, 12, 18), LastDay = new DateTime(2026, 9, 1) }, Token);
        var noName = await editor.PrepareCalendarEntryAsync(new CalendarForm { Name = "", FirstDay = new DateTime(2026, 9, 1), LastDay = new DateTime(2026, 12, 18) }, Token);
        var good = await editor.PrepareCalendarEntryAsync(new CalendarForm { Kind = CalendarEntryKind.Holiday, Name = " October half term ", FirstDay = new DateTime(2026, 10, 26), LastDay = new DateTime(2026, 10, 30) }, Token);

        Assert.Equal(PolicyFields.LastDay, backwards.Problem!.Field);
        Assert.Equal(nameof(CalendarForm.Name), noName.Problem!.Field);
        Assert.Equal(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "October half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30)), Assert.Single(good.Proposal!.Changes));
        Assert.Equal("Add the holiday October half term, Mon 26 Oct 2026 to Fri 30 Oct 2026, to the school calendar", good.Proposal.Summary);
    }

    [Fact]
    public async Task NewGroup_ApprovedByASecondPerson_ListedWithTheBlocksOfItsSource()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var editor = school.EditorFor(a);
        var prepared = await editor.PrepareNewGroupAsync(new NewGroupForm { Name = "Year 7 nurture", Kind = GroupKind.Pupils, CopyFrom = "ks3" }, Token);
        var proposed = await editor.ProposeAsync(prepared.Proposal!, "Nurture group needs its own rules", Token);
        Assert.True(proposed.Succeeded, proposed.Message);
        Assert.Contains("Create the group Year 7 nurture", Assert.Single((await editor.GroupsAsync(Token)).Pending).Summary, StringComparison.Ordinal);

        var approved = await school.Store.ChangeControl.ApproveAsync(b.Id, (await school.SinglePendingAsync()).ChangeId, null, Token);
        Assert.True(approved.Succeeded, approved.Detail);

        var view = await school.EditorFor(b).GroupsAsync(Token);
        var row = view.Active.Single(g => g.Name == "Year 7 nurture");
        Assert.Equal("year-7-nurture", row.Key);
        Assert.Equal(view.Active.Single(g => g.Key == "ks3").BlockedCategories, row.BlockedCategories);
        Assert.Empty(view.Pending);
    }

    [Fact]
    public async Task RetiredGroup_ListedApart_AndItsPageIsReadOnly()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var editor = school.EditorFor(a);
        Assert.True((await editor.ProposeAsync((await editor.PrepareRetireAsync("eyfs", Token)).Proposal!, "No nursery on this site", Token)).Succeeded);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(b.Id, (await school.SinglePendingAsync()).ChangeId, null, Token)).Succeeded);

        var view = await editor.GroupsAsync(Token);

        Assert.Equal("Pupils: EYFS", Assert.Single(view.Retired).Name);
        Assert.DoesNotContain(view.Active, g => g.Key == "eyfs");
        Assert.True((await editor.GroupAsync("eyfs", Token))!.Retired);
        Assert.DoesNotContain(await editor.GroupChoicesAsync(Token), c => c.Key == "eyfs");
    }

    [Fact]
    public async Task SearchModes_YouTubeApartFromSafeSearch_SameValueRefused()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var editor = school.EditorFor(a);
        var view = (await editor.GroupAsync("staff", Token))!;

        var same = await editor.PrepareSearchModeAsync("staff", youTube: true, view.YouTube, Token);
        var other = view.YouTube == SafeSearchMode.Off ? SafeSearchMode.Strict : SafeSearchMode.Off;
        var youTube = await editor.PrepareSearchModeAsync("staff", youTube: true, other, Token);
        var proposed = await editor.ProposeAsync(youTube.Proposal!, "Staff use YouTube for teaching", Token);

        Assert.Null(same.Proposal);
        Assert.True(proposed.Succeeded, proposed.Message);
        Assert.Equal(new SetYouTubeModeChange("staff", other), (await school.SinglePendingAsync()).Change);
    }

    [Fact]
    public async Task Calendar_TermApproved_ListedInWords_AndItsRemovalShownWaiting()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var editor = school.EditorFor(a);
        var empty = await editor.CalendarAsync(Token);
        Assert.Empty(empty.Entries);
        Assert.Contains("Europe/London", empty.TimeZone, StringComparison.Ordinal);

        var prepared = await editor.PrepareCalendarEntryAsync(new CalendarForm { Kind = CalendarEntryKind.Term, Name = "Autumn term", FirstDay = new DateTime(2026, 9, 2), LastDay = new DateTime(2026, 12, 18) }, Token);
        Assert.True((await editor.ProposeAsync(prepared.Proposal!, "Term dates from the LA", Token)).Succeeded);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(b.Id, (await school.SinglePendingAsync()).ChangeId, null, Token)).Succeeded);

        var entry = Assert.Single((await editor.CalendarAsync(Token)).Entries);
        Assert.Equal(("Autumn term", "Wed 2 Sep 2026", "Fri 18 Dec 2026", 108), (entry.Name, entry.FirstDay, entry.LastDay, entry.Days));
        Assert.True((await editor.CalendarAsync(Token)).HasTerms);
        Assert.True((await editor.GroupAsync("ks3", Token))!.HasCalendar);

        var overlap = await editor.PrepareCalendarEntryAsync(new CalendarForm { Kind = CalendarEntryKind.Term, Name = "Spring term", FirstDay = new DateTime(2026, 12, 1), LastDay = new DateTime(2027, 3, 27) }, Token);
        var refused = await editor.ProposeAsync(overlap.Proposal!, "Term dates", Token);
        Assert.False(refused.Succeeded);
        Assert.Equal(PolicyFields.FirstDay, refused.Field);
        Assert.Contains("Autumn term", refused.Message, StringComparison.Ordinal);

        Assert.True((await editor.ProposeAsync((await editor.PrepareRemoveCalendarEntryAsync(entry.Id, Token)).Proposal!, "Entered wrongly", Token)).Succeeded);
        var after = await school.EditorFor(b).CalendarAsync(Token);
        Assert.True(Assert.Single(after.Entries).RemovalPending);
        Assert.Equal("Remove the term Autumn term, Wed 2 Sep 2026 to Fri 18 Dec 2026, from the school calendar", Assert.Single(after.Pending).Summary);
    }

    [Fact]
    public async Task TermTimeWindow_ApprovedAndShownWithItsWords()
    {
        var a = await school.UserAsync("alex.tech", "Alex Tech", Role.Technician);
        var b = await school.UserAsync("bea.admin", "Bea Admin", Role.Administrator);
        var editor = school.EditorFor(a);
        var form = new ScheduleForm { Category = "social_networking", Effect = ScheduleEffect.Allow, Days = SchoolDays.Friday, Start = new(15, 0, 0), End = new(16, 0, 0), TermTimeOnly = true };
        Assert.True((await editor.ProposeAsync((await editor.PrepareWindowAsync("ks4", form, Token)).Proposal!, "Friday club", Token)).Succeeded);
        Assert.True((await school.Store.ChangeControl.ApproveAsync(b.Id, (await school.SinglePendingAsync()).ChangeId, null, Token)).Succeeded);

        var row = (await editor.GroupAsync("ks4", Token))!.Categories.Single(c => c.Key == "social_networking");

        Assert.Equal(CategoryState.Scheduled, row.State);
        Assert.True(row.Outside);
        Assert.Equal("Allowed Friday, 15:00 to 16:00, term time only", Assert.Single(row.Windows).Text);
        Assert.Equal(1, (await editor.CalendarAsync(Token)).TermTimeWindows);
    }
}
