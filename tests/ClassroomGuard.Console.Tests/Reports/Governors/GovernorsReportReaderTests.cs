using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Reports.Governors;
using ClassroomGuard.Console.Tests.Policy.Why;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Reports.Governors;

/// <summary>
/// The governors' report read from a real state database for November 2026: changes approved, refused, withdrawn,
/// decided after the period and proposed before it; incidents of several categories with pupils' and staff names,
/// devices, addresses and rooms in every field and note; alerts this period and the one before; a completed annual
/// review with an overdue action. The rendered report (bUnit, the component the page and the PDF share) must carry none
/// of the planted names, and counts of 1 or 2 incidents are withheld.
/// </summary>
public sealed class GovernorsReportReaderTests
{
    private static readonly DateOnly November1 = new(2026, 11, 1);
    private static readonly DateOnly November30 = new(2026, 11, 30);

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task Read_November_CountsEachOutcome_ByRole_AndTheChainIsIntact()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        var school = await SchoolAsync(world);

        var report = await world.Reader.ReadAsync(November1, November30, Token);

        var changes = report.Changes;
        Assert.Equal(4, changes.Approved); // SafeSearch (proposed in October), social networking, the device's group, the MAC mapping
        Assert.Equal(1, changes.Refused);
        Assert.Equal(1, changes.Withdrawn);
        Assert.Equal(1, changes.Waiting); // YouTube: approved on 1 December, after the period
        Assert.Equal(0, changes.Expired);
        Assert.Equal(0, changes.SingleApprover);
        Assert.Equal(1, changes.UnblocksApproved);
        Assert.Equal(7, changes.PolicyChanges.Count);
        Assert.Single(changes.TemporaryUnblocks);
        Assert.Equal("4 changes to filtering were approved; 1 was refused; 1 was withdrawn by the person who proposed it; 1 was still waiting for a decision at the end of the period.", changes.Summary[0]);
        Assert.Equal("Each was proposed by one person and approved by another.", changes.Summary[1]);

        var social = Assert.Single(changes.PolicyChanges, c => c.What == "Block Social networking for the group Pupils: Key Stage 5 (sixth form)");
        Assert.Equal(ChangeOutcome.Approved, social.Outcome);
        Assert.Equal("a technician", social.ProposedBy);
        Assert.Equal("Approved on Tue 3 Nov 2026 by a technician", social.OutcomeText);
        Assert.Equal("Devices in this group can no longer reach sites in this category.", social.WhyItMatters);
        Assert.Equal("Withdrawn on Fri 6 Nov 2026 by a technician, who proposed it", Assert.Single(changes.PolicyChanges, c => c.Outcome == ChangeOutcome.Withdrawn).OutcomeText);
        Assert.StartsWith("Still waiting for a decision on Mon 30 Nov 2026", Assert.Single(changes.PolicyChanges, c => c.Outcome == ChangeOutcome.Waiting).OutcomeText);
        Assert.Equal("Put one device in the group Staff", Assert.Single(changes.PolicyChanges, c => c.What.Contains("device", StringComparison.Ordinal) && c.What.StartsWith("Put", StringComparison.Ordinal)).What);
        Assert.Contains(changes.PolicyChanges, c => c.What == "Filter one device's hardware (MAC) address as the group Pupils: Key Stage 3");
        var unblock = changes.TemporaryUnblocks[0];
        Assert.Equal("Open www.bbc.co.uk for one device for a lesson on Thu 12 Nov 2026", unblock.What);
        Assert.Equal("a teacher", unblock.ProposedBy);
        Assert.Equal("Approved on Thu 12 Nov 2026 by the safeguarding lead", unblock.OutcomeText);

        var chain = changes.Chain;
        Assert.True(chain.Intact);
        Assert.Null(chain.Broken);
        var verified = await world.Store.ChangeControl.VerifyChainAsync(null, Token);
        Assert.Equal(verified.Head.Sequence, chain.HeadSequence);
        Assert.Equal(verified.Head.Hash, chain.HeadHash);
        Assert.Equal(1, chain.AtStart!.Sequence); // the October proposal
        Assert.Equal((await world.Store.ChangeControl.GetEntryAsync(1, Token))!.Hash, chain.AtStart.Hash);
        Assert.Equal(chain.HeadSequence - 1, chain.AtEnd!.Sequence); // everything but the approval of 1 December
        Assert.Equal((await world.Store.ChangeControl.GetEntryAsync(chain.AtEnd.Sequence, Token))!.Hash, chain.AtEnd.Hash);
        Assert.Equal(GovernorsWorld.School, report.SchoolName);
        Assert.Equal(new DateOnly(2026, 10, 2), report.PreviousPeriod.First);
        Assert.Equal(new DateOnly(2026, 10, 31), report.PreviousPeriod.Last);
        Assert.NotNull(school);
    }

    [Fact]
    public async Task Read_Incidents_CountedByCategorySeverityActionOutcomeStatus_SmallNumbersWithheld()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        await SchoolAsync(world);

        var incidents = (await world.Reader.ReadAsync(November1, November30, Token)).Incidents;

        Assert.Equal(5, incidents.Total.Value);
        Assert.Equal("5", incidents.Total.Text);
        Assert.Null(incidents.PreviousTotal.Value); // one in October
        Assert.Equal("fewer than 3", incidents.PreviousTotal.Text);
        Assert.Equal(["3", "none", "fewer than 3"], incidents.BySeverity.Select(c => c.Text));
        Assert.StartsWith("Danger", incidents.BySeverity[0].Label, StringComparison.Ordinal);
        Assert.Equal([("Self-harm and suicide", "3"), ("Gambling", "fewer than 3"), ("Not recorded", "fewer than 3")], incidents.ByCategory.Select(c => (c.Label, c.Text)));
        Assert.DoesNotContain(incidents.ByCategory.Concat(incidents.BySeverity).Concat(incidents.ByAction).Concat(incidents.ByOutcome).Concat(incidents.ByHowRaised).Concat(incidents.ByStatus),
            c => c.Value is 1 or 2); // withheld counts carry no number at all, not even for the view to leak
        Assert.Equal(["fewer than 3", "3"], incidents.ByAction.Select(c => c.Text)); // the lead recorded an action on two
        Assert.Equal(["fewer than 3", "4"], incidents.ByOutcome.Select(c => c.Text));
        Assert.Equal(["4", "fewer than 3"], incidents.ByHowRaised.Select(c => c.Text)); // one raised from an alert
        Assert.Equal([("Raised", "3"), ("In progress", "fewer than 3"), ("Closed", "fewer than 3")], incidents.ByStatus.Select(c => (c.Label, c.Text)));
        Assert.All(incidents.ByCategory.Concat(incidents.BySeverity).Concat(incidents.ByStatus), c => Assert.True(c.Value is null or 0 or >= GovernorsCount.Threshold));
        Assert.Equal("5 e-safety incidents were recorded in this period (the period before: fewer than 3).", incidents.Summary[0]);
    }

    [Fact]
    public async Task Rendered_ContainsNoPupilDeviceAddressRoomStaffNameNorTypedText()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        await SchoolAsync(world);
        var report = await world.Reader.ReadAsync(November1, November30, Token);

        foreach (var html in new[] { GovernorsWorld.Render(report), GovernorsWorld.Render(report, print: true) })
        {
            var text = System.Net.WebUtility.HtmlDecode(html);
            Assert.All(world.Planted, planted => Assert.DoesNotContain(planted, text, StringComparison.OrdinalIgnoreCase));
            // And in pieces: a first name or a surname alone, a host name without its number.
            Assert.All(
                (string[])["Jamie", "Lee-Thompson", "Amira", "Okonkwo", "Oliver", "Okafor", "Adebayo", "Priya", "Sharma", "Whitfield", "Whitcombe", "Hartley", "Marsh", "LAPTOP", "02:5e", "10.42."],
                piece => Assert.DoesNotContain(piece, text, StringComparison.OrdinalIgnoreCase));
            Assert.Contains("a technician", text, StringComparison.Ordinal);
            Assert.Contains("the safeguarding lead", text, StringComparison.Ordinal);
            Assert.Contains("fewer than 3", text, StringComparison.Ordinal);
            Assert.Contains("Self-harm and suicide", text, StringComparison.Ordinal);
            Assert.Contains(report.Changes.Chain.HeadHash, text, StringComparison.Ordinal);
        }

        Assert.Contains("href=\"https://guard.whitmore.example/change-log\"", GovernorsWorld.Render(report, print: true), StringComparison.Ordinal);
        Assert.Contains("href=\"/change-log\"", GovernorsWorld.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ChainAltered_NamesTheEntryWithoutAName_MarksLaterChangesNotVerified()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        await SchoolAsync(world);
        world.Tamper("UPDATE change_log SET actor_name = 'Someone Else' WHERE seq = 5");

        var report = await world.Reader.ReadAsync(November1, November30, Token);

        var chain = report.Changes.Chain;
        Assert.False(chain.Intact);
        Assert.Equal(5, chain.FirstBadSequence);
        Assert.StartsWith("Entry 5 of the change-control log (", chain.Broken, StringComparison.Ordinal);
        Assert.EndsWith("has been altered or removed.", chain.Broken, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Else", chain.Broken, StringComparison.Ordinal);
        Assert.StartsWith("Warning: the change-control log has been altered", report.Headlines[0], StringComparison.Ordinal);
        var all = report.Changes.PolicyChanges.Concat(report.Changes.TemporaryUnblocks).ToList();
        Assert.Contains(all, c => c.NotVerified);
        Assert.Contains(all, c => !c.NotVerified); // the changes wholly before entry 5 still verify
        var html = GovernorsWorld.Render(report);
        Assert.Contains("data-chain=\"broken\"", html, StringComparison.Ordinal);
        Assert.Contains("(not verified)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Else", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EmptyPeriod_SaysThereWasNothing_InSentences()
    {
        using var world = new GovernorsWorld(At(2026, 12, 1, 7));

        var report = await world.Reader.ReadAsync(November1, November30, Token);

        Assert.Empty(report.Changes.PolicyChanges);
        Assert.Equal("No changes to filtering were proposed or decided in this period: the filtering rules stayed as they were.", report.Changes.Summary[0]);
        Assert.Equal("No teacher asked for a site to be opened for a lesson.", report.Changes.Summary[1]);
        Assert.True(report.Incidents.None);
        Assert.Equal("No e-safety incidents were recorded in this period, nor in the period before.", report.Incidents.Summary[0]);
        Assert.Equal("The filter raised no alerts in this period (the period before: 0).", report.Alerts.Summary[0]);
        Assert.Equal("No annual review of filtering and monitoring has been recorded: one is due now", report.Review.Status);
        Assert.True(report.Review.DueNow);
        Assert.True(report.Changes.Chain.Intact);
        Assert.Equal(0, report.Changes.Chain.Entries);
        var html = GovernorsWorld.Render(report);
        Assert.Contains("data-empty=\"changes\"", html, StringComparison.Ordinal);
        Assert.Contains("data-empty=\"unblocks\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-counts=", html, StringComparison.Ordinal); // no empty tables of incidents
        Assert.DoesNotContain("data-table=\"changes\"", html, StringComparison.Ordinal);
        Assert.Contains("The log was empty then.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Alerts_BySeverity_ComparedWithThePeriodBefore()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        await SchoolAsync(world);

        var alerts = (await world.Reader.ReadAsync(November1, November30, Token)).Alerts;

        Assert.Equal(["Danger", "Caution", "Advisory", "Appliance"], alerts.BySeverity.Select(a => a.Severity));
        Assert.Equal([4L, 2, 2, 1], alerts.BySeverity.Select(a => a.This)); // advisory: games, and gambling (neither danger nor caution)
        Assert.Equal([1L, 0, 0, 0], alerts.BySeverity.Select(a => a.Previous));
        Assert.Equal(9, alerts.Total);
        Assert.Equal(1, alerts.PreviousTotal);
        Assert.Equal("The filter raised 9 alerts (up from 1 the period before), 4 of them danger alerts.", alerts.Summary[0]);
        Assert.Contains("Self-harm and suicide", alerts.BySeverity[0].Meaning, StringComparison.Ordinal);
        Assert.StartsWith("Attempts to get round the filter", alerts.BySeverity[1].Meaning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Review_LastCompleted_DueNextYear_OpenAndOverdueActions()
    {
        using var world = new GovernorsWorld(At(2026, 10, 20, 10));
        await SchoolAsync(world);

        var review = (await world.Reader.ReadAsync(November1, November30, Token)).Review;

        Assert.Equal("The next annual review is due on 14 September 2027", review.Status);
        Assert.False(review.DueNow);
        Assert.Equal("Held on 14 September 2026", review.LastCompleted);
        Assert.Equal("2 checks passed, 1 failed", review.LastCheck);
        Assert.Equal(1, review.OpenActions);
        Assert.Equal(1, review.OverdueActions);
        Assert.Contains("1 action agreed at a review is not done yet, 1 of them past its due date.", review.Summary);
    }

    [Fact]
    public async Task Read_FilterNotRunning_CoverageFromTheState_AndTheGapSaid()
    {
        using var world = new GovernorsWorld(At(2026, 12, 1, 7));

        var report = await world.Reader.ReadAsync(November1, November30, Token);

        var gap = Assert.Single(report.Gaps);
        Assert.StartsWith("The DNS filter could not be asked", gap, StringComparison.Ordinal);
        Assert.Equal(["Child sexual abuse content (IWF list)", "Terrorist content (CTIRU list)"], report.Coverage.AlwaysOn.Select(a => a.Name).Order());
        Assert.All(report.Coverage.AlwaysOn, a => Assert.Equal("Not checked", a.State));
        Assert.Null(report.Coverage.BlocklistVersion);
        Assert.Equal(8, report.Coverage.Groups.Count);
        var ks5 = Assert.Single(report.Coverage.Groups, g => g.Name == "Pupils: Key Stage 5 (sixth form)");
        Assert.Equal(("Pupils", "Moderate", "Moderate"), (ks5.Kind, ks5.SafeSearch, ks5.YouTube));
        Assert.Equal("Every category except Social networking", ks5.Blocked); // VPN, DoH and proxies: blocked with circumvention
        Assert.Equal("Every category", Assert.Single(report.Coverage.Groups, g => g.Name == "Pupils: Key Stage 3").Blocked);
        Assert.DoesNotContain("Child sexual abuse", ks5.Blocked, StringComparison.Ordinal); // the always-on lists have their own table
        Assert.Equal("Every category except Chat, Dating, File sharing, Self-harm and suicide, Social networking, Violence", Assert.Single(report.Coverage.Groups, g => g.Name == "Staff").Blocked);
        Assert.True(Assert.Single(report.Coverage.Groups, g => g.IsDefault).Name == "Guests and BYOD");
        Assert.Equal("SafeSearch is enforced for every group of pupils and guests.", report.Coverage.Summary[1]);
        Assert.Contains("data-gaps", GovernorsWorld.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_FilterAnswers_AlwaysOnListsLoadedOrNot_AndTheVersionInForce()
    {
        using var world = new GovernorsWorld(At(2026, 12, 1, 7));
        var updated = At(2026, 11, 30, 3);
        var lists = new ListsReply(At(2026, 12, 1, 3), false, 1234, [],
            [
                new ListCategoryInfo(new CategoryName("child_abuse", "Child sexual abuse content (IWF list)"), true, 5210, [new ListSourceName("IWF URL list", updated)]),
                new ListCategoryInfo(new CategoryName("terrorism", "Terrorist content (CTIRU list)"), true, 0, []),
                new ListCategoryInfo(new CategoryName("games", "Games"), false, 900, [new ListSourceName("UT1 games", updated)]),
            ],
            7,
            new ListsHealth("UT1 of 30 November 2026 (sha256 1a2b3c4d)", ["UT1 adult"], null, []));
        await using var filter = FakeDnsFilterControl.Replying(world.SocketPath, new ControlReply(Lists: lists));

        var coverage = (await world.Reader.ReadAsync(November1, November30, Token)).Coverage;

        Assert.Equal("UT1 of 30 November 2026 (sha256 1a2b3c4d)", coverage.BlocklistVersion);
        var iwf = Assert.Single(coverage.AlwaysOn, a => a.Name.StartsWith("Child", StringComparison.Ordinal));
        Assert.Equal(("Loaded", "IWF URL list, updated 30 Nov 2026", "5,210 names"), (iwf.State, iwf.Source, iwf.Size));
        var ctiru = Assert.Single(coverage.AlwaysOn, a => a.Name.StartsWith("Terrorist", StringComparison.Ordinal));
        Assert.Equal("Not configured", ctiru.State);
        Assert.Equal("Warning: Terrorist content (CTIRU list) is not loaded, so nothing is blocked through it yet.", coverage.Summary[0]);
        Assert.Equal(["UT1 adult"], coverage.MissingLists);
        Assert.Contains("Warning: lists every school must block are not loaded: UT1 adult.", coverage.Summary);
        Assert.Equal(ControlRequestKind.Lists, Assert.Single(filter.Requests).Kind);
    }

    [Fact]
    public async Task Read_SingleApproverMode_SaysSo()
    {
        using var world = new GovernorsWorld(At(2026, 11, 2, 9));
        world.StateOptions.SingleApproverMode = true;
        using var single = Storage.State.StateStore.Open(world.StateOptions, world.Clock);
        var sam = await world.UserAsync("sam", "Sam Okafor", Role.Technician);
        var result = await single.ChangeControl.ProposeAsync(sam.Id, new BlockCategoryChange("ks5", "social_networking"), "Exams", Token);
        Assert.True((await single.ChangeControl.ApproveAsync(sam.Id, result.Entry!.ChangeId, null, Token)).Succeeded);

        var changes = (await world.Reader.ReadAsync(November1, November30, Token)).Changes;

        Assert.Equal(1, changes.SingleApprover);
        Assert.StartsWith("1 was approved by the person who proposed it, under single-approver mode", changes.Summary[1], StringComparison.Ordinal);
        Assert.Equal("Approved on Mon 2 Nov 2026 by a technician, who proposed it (single-approver mode)", changes.PolicyChanges[0].OutcomeText);
    }

    /// <summary>A school's October and November (see the class summary); the clock ends at 07:00 on 1 December.</summary>
    private static async Task<GovernorsWorld> SchoolAsync(GovernorsWorld world)
    {
        var sam = await world.UserAsync("sam.okafor", "Sam Okafor", Role.Technician);
        var kim = await world.UserAsync("kim.adebayo", "Kim Adebayo", Role.Technician);
        var dsl = await world.UserAsync("priya.sharma", "Priya Sharma", Role.SafeguardingLead);
        var teacher = await world.UserAsync("tess.whitfield", "Tess Whitfield", Role.Teacher);
        await world.UserAsync("gill.hartley", "Gill Hartley", Role.Governor);
        var site = await world.Store.Sites.CreateSiteAsync("Whitmore Park", Token);
        var room = await world.Store.Sites.CreateRoomAsync(site.Id, "Mr Whitcombe's class", Token);
        world.Planted.Add(room.Name);
        var laptop = await world.DeviceAsync("JAMIE-LAPTOP-07", "02:5e:10:aa:bb:07", "10.42.0.17");
        var other = await world.DeviceAsync("AMIRA-IPAD-02", "02:5e:10:aa:bb:02", "10.42.0.22");
        await world.Store.Devices.SetRoomAsync(laptop, room.Id, Token);

        // October: a proposal approved in November; an incident and a danger alert.
        var safeSearch = await world.ProposeAsync(sam, new SetSafeSearchChange("ks5", SafeSearchMode.Strict), "Sixth formers searching for things Jamie Lee-Thompson mentioned");
        await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, At(2026, 10, 21, 11), "Reported to the safeguarding lead from the classroom view", laptop, "Jamie Lee-Thompson",
            "selfharm.example", "self_harm", "Jamie Lee-Thompson's screen", room.Id, "Jamie was upset"), Token);
        await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, At(2026, 10, 21, 11), "Jamie on JAMIE-LAPTOP-07 asked selfharm.example", laptop, "self_harm", "selfharm.example"), Token);

        world.Clock.Now = At(2026, 11, 3, 9);
        await world.ApproveAsync(kim, safeSearch, "As Priya Sharma asked at the meeting");
        world.Clock.Now = At(2026, 11, 3, 10);
        await world.ApproveAsync(kim, await world.ProposeAsync(sam, new BlockCategoryChange("ks5", "social_networking"), "Exam term, as Mrs Sharma asked"), "Fine by me, Kim");
        world.Clock.Now = At(2026, 11, 5, 10);
        await world.RejectAsync(kim, await world.ProposeAsync(sam, new UnblockCategoryChange("ks3", "games"), "Mr Whitcombe wants games for Golden Time"), "No: talk to Priya first");
        world.Clock.Now = At(2026, 11, 6, 10);
        await world.RejectAsync(sam, await world.ProposeAsync(sam, new SetDomainRuleChange("scratch.mit.edu", "ks2", RuleAction.Allow), "Oliver Grant's coding club"), "Withdrawn: Tess Whitfield found another way");
        world.Clock.Now = At(2026, 11, 9, 10);
        await world.ApproveAsync(kim, await world.ProposeAsync(sam, new SetDeviceGroupChange(other, "staff"), "AMIRA-IPAD-02 is really Mrs Okonkwo's"), "Agreed, it is Mrs Okonkwo's iPad");
        world.Clock.Now = At(2026, 11, 10, 10);
        await world.ApproveAsync(kim, await world.ProposeAsync(sam, new SetClientMappingChange(ClientMappingKind.Mac, "02:5e:10:aa:bb:07", "ks3"), "Jamie's laptop is Key Stage 3"), "Approved for Jamie");
        world.Clock.Now = At(2026, 11, 12, 9);
        var unblock = await world.ProposeAsync(teacher, new TemporaryUnblockChange("www.bbc.co.uk", ActionScope.Device, laptop, null, At(2026, 11, 12, 10), At(2026, 11, 12, 11)), "Jamie Lee-Thompson needs the news clip");
        await world.ApproveAsync(dsl, unblock, "Yes for Jamie");
        world.Clock.Now = At(2026, 11, 20, 10);
        var youTube = await world.ProposeAsync(sam, new SetYouTubeModeChange("staff", SafeSearchMode.Strict), "Staff room screen, as Gill Hartley asked");

        // November's incidents: three of self-harm for one pupil, one of gambling raised from an alert, one with no category.
        var incidents = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var incident = await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, At(2026, 11, 10 + i, 11), "Reported to the safeguarding lead from the classroom view", laptop,
                "Jamie Lee-Thompson", "selfharm.example/jamie", "self_harm", "Jamie Lee-Thompson searched in Mr Whitcombe's class", room.Id, "Jamie Lee-Thompson was crying; Tess Whitfield saw it"), Token);
            incidents.Add(incident.Id);
        }

        world.Planted.AddRange(["Jamie Lee-Thompson", "selfharm.example/jamie", "Jamie Lee-Thompson was crying; Tess Whitfield saw it", "Amira Okonkwo", "Oliver Grant", "bet365-amira.example"]);
        var alert = await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, At(2026, 11, 16, 9), "AMIRA-IPAD-02 asked bet365-amira.example", other, "gambling", "bet365-amira.example"), Token);
        var fromAlert = await world.Store.Incidents.RecordAsync(new NewIncident(dsl.Id, At(2026, 11, 16, 9), "Raised from an alert", other, "Amira Okonkwo", "bet365-amira.example", "gambling",
            AlertId: alert.Id), Token);
        var unknown = await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, At(2026, 11, 18, 14), "Reported to the safeguarding lead from the classroom view", null, "Oliver Grant",
            Description: "Oliver Grant showed Amira Okonkwo a video"), Token);
        await world.Store.Incidents.AddStepAsync(incidents[0], dsl.Id, IncidentEventKind.Action, "Spoke to Jamie Lee-Thompson's mother, Mrs Lee-Thompson", Token);
        await world.Store.Incidents.AddStepAsync(fromAlert.Id, dsl.Id, IncidentEventKind.Action, "Told Amira Okonkwo's form tutor", Token);
        await world.Store.Incidents.AddStepAsync(incidents[0], dsl.Id, IncidentEventKind.Outcome, "Referred Jamie Lee-Thompson to CAMHS", Token);
        await world.Store.Incidents.ChangeStatusAsync(incidents[0], dsl.Id, IncidentStatus.Investigating, "Priya Sharma is dealing with it", Token);
        await world.Store.Incidents.ChangeStatusAsync(unknown.Id, dsl.Id, IncidentStatus.Closed, "Closed after talking to Oliver Grant's dad", Token);
        world.Planted.AddRange(["Spoke to Jamie Lee-Thompson's mother", "CAMHS", "Oliver Grant's dad"]);

        // November's alerts: four danger (hours apart, so none folds into another), two circumvention, one games, one appliance.
        for (var i = 0; i < 4; i++)
        {
            await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, At(2026, 11, 10 + i, 9), "Jamie on JAMIE-LAPTOP-07", laptop, "self_harm", "selfharm.example"), Token);
        }

        await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, At(2026, 11, 17, 9), "vpn from 10.42.0.17", laptop, "vpn", "nordvpn.com"), Token);
        await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, At(2026, 11, 17, 13), "doh from 10.42.0.22", other, "doh", "dns.google"), Token);
        await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, At(2026, 11, 19, 10), "games", other, "games", "poki.com"), Token);
        await world.Store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, At(2026, 11, 21, 3), "UT1 download failed"), Token);

        // The annual review of September, completed, with an action not done and past its date.
        var review = await world.Store.Reviews.CreateDraftAsync(new DateOnly(2026, 9, 14), dsl.Id, Token);
        await world.Store.Reviews.UpdateAsync(review.Id, new DateOnly(2026, 9, 14),
            [new ReviewParticipant(ReviewRole.SeniorLeader, "Dr Helen Marsh"), new ReviewParticipant(ReviewRole.SafeguardingLead, "Priya Sharma"),
             new ReviewParticipant(ReviewRole.Technician, "Sam Okafor"), new ReviewParticipant(ReviewRole.Governor, "Gill Hartley")],
            "Dr Helen Marsh and Gill Hartley agreed the filtering is right", Token);
        await world.Store.Reviews.AddChecksAsync(review.Id, ReviewCheckSource.Manual,
            [new NewReviewCheck("Block page shows", true), new NewReviewCheck("Staff told of monitoring", true), new NewReviewCheck("IWF list configured", false)], dsl.Id, Token);
        await world.Store.Reviews.AddActionAsync(review.Id, "Sam Okafor to add the IWF list", "Sam Okafor", new DateOnly(2026, 10, 31), Token);
        await world.Store.Reviews.CompleteAsync(review.Id, dsl.Id, Token);
        world.Planted.AddRange(["Dr Helen Marsh", "Sam Okafor to add the IWF list", "Dr Helen Marsh and Gill Hartley agreed"]);

        world.Clock.Now = At(2026, 12, 1, 6);
        await world.ApproveAsync(kim, youTube, "Done for Gill");
        world.Clock.Now = At(2026, 12, 1, 7);
        return world;
    }

    private static DateTimeOffset At(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);
}
