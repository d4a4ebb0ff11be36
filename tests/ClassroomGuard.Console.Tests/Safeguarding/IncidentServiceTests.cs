using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Safeguarding.Incidents;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// Who may raise, read and act on incidents, checked by the service for every list, incident and action: the
/// safeguarding lead and administrators read everyone's and record steps; teachers and technicians raise incidents
/// and read only their own; a governor has none. A real state database; nothing talks to InfluxDB.
/// </summary>
public sealed class IncidentServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero); // a Monday, London = UTC
    private readonly IncidentWorld world = new(Ten);
    private Room lab = default!;
    private Room art = default!;
    private ConsoleUser teacher = default!;
    private ConsoleUser otherTeacher = default!;
    private ConsoleUser dsl = default!;
    private ConsoleUser admin = default!;
    private ConsoleUser technician = default!;
    private ConsoleUser governor = default!;
    private long labPc;
    private long artPc;

    private IncidentService Service => world.Service;

    private static CancellationToken Ct => IncidentWorld.Ct;

    public async Task InitializeAsync()
    {
        lab = await world.RoomAsync("Lab 2");
        art = await world.RoomAsync("Art room");
        teacher = await world.TeacherOfAsync(lab, "t.lab");
        otherTeacher = await world.TeacherOfAsync(art, "t.art");
        dsl = await world.UserAsync("dsl", Role.SafeguardingLead);
        admin = await world.UserAsync("admin", Role.Administrator);
        technician = await world.UserAsync("tech", Role.Technician);
        governor = await world.UserAsync("gov", Role.Governor);
        labPc = await world.DeviceAsync(lab, "LAB2-PC04", "02:00:00:00:00:04", "Alice Example");
        artPc = await world.DeviceAsync(art, "ART-PC01", "02:00:00:00:00:11");
    }

    [Fact]
    public async Task ReportFromTile_TeachersRoom_RecordsPupilSiteCategoryRoomAndNow()
    {
        var (result, id) = await ReportAsync(teacher, lab, labPc, "Unsuitable site on screen", "laughing at it", site: "bad.example", category: "adult");

        Assert.True(result.Ok, result.Message);
        var incident = (await world.Store.Incidents.GetAsync(id!.Value, Ct))!;
        Assert.Equal((teacher.Id, labPc, "Alice Example", "bad.example", "adult", lab.Id, "Lab 2", Ten),
            (incident.ReportedBy, incident.DeviceId, incident.Person, incident.Url, incident.Category, incident.RoomId, incident.RoomLabel, incident.OccurredAt));
        Assert.Equal("Unsuitable site on screen: laughing at it", incident.Description);
        Assert.Equal(IncidentService.ReportedAction, incident.ActionTaken);
        Assert.Equal(EvidenceState.Pending, (await world.Store.Incidents.EvidenceAsync(incident.Id, Ct))!.State);
    }

    [Fact]
    public async Task ReportFromTile_NoSiteOnTile_TakesTheRecentBlockButNotAnOldOne()
    {
        var recent = new BlockedAttempt("blocked.example", "self_harm", "Category", Ten.AddMinutes(-2).ToUnixTimeMilliseconds());
        var old = recent with { Domain = "old.example", At = Ten.AddHours(-1).ToUnixTimeMilliseconds() };

        var (_, withRecent) = await Service.ReportFromTileAsync(teacher, lab.Id, IncidentWorld.Tile(labPc, "LAB2-PC04", blocked: recent), new IncidentReportForm(), Ct);
        var (_, withOld) = await Service.ReportFromTileAsync(teacher, lab.Id, IncidentWorld.Tile(labPc, "LAB2-PC04", blocked: old), new IncidentReportForm(), Ct);

        var first = (await world.Store.Incidents.GetAsync(withRecent!.Value, Ct))!;
        Assert.Equal(("blocked.example", "self_harm"), (first.Url, first.Category));
        var second = (await world.Store.Incidents.GetAsync(withOld!.Value, Ct))!;
        Assert.Equal((null, null), (second.Url, second.Category));
    }

    [Fact]
    public async Task ReportFromTile_NotTheirRoomOrDeviceElsewhereOrGovernor_RefusedAndLogged()
    {
        var (notTheirs, _) = await ReportAsync(teacher, art, artPc);
        var (wrongDevice, _) = await ReportAsync(teacher, lab, artPc);
        var (byGovernor, _) = await ReportAsync(governor, lab, labPc);

        Assert.False(notTheirs.Ok);
        Assert.False(wrongDevice.Ok);
        Assert.False(byGovernor.Ok);
        Assert.Equal(0, (await world.Store.Incidents.QueryAsync(new IncidentQuery(), Ct)).Total);
        Assert.Equal(3, world.Logger.Lines.Count(l => l.Id.Id == 3153));
    }

    [Theory]
    [InlineData("Other", null, nameof(IncidentReportForm.Note))]
    [InlineData("Other", "   ", nameof(IncidentReportForm.Note))]
    [InlineData("Something made up", null, nameof(IncidentReportForm.WhatSeen))]
    [InlineData("", null, nameof(IncidentReportForm.WhatSeen))]
    [InlineData("Upsetting content", "TOO-LONG", nameof(IncidentReportForm.Note))]
    public async Task ReportFromTile_BadForm_ReasonNextToTheFieldAndNothingRecorded(string whatSeen, string? note, string field)
    {
        var (result, id) = await ReportAsync(teacher, lab, labPc, whatSeen, note == "TOO-LONG" ? new string('x', IncidentReportForm.MaxNote + 1) : note);

        Assert.False(result.Ok);
        Assert.Null(id);
        Assert.True(result.Problems.ContainsKey(field), string.Join("; ", result.Problems));
        Assert.Equal(0, (await world.Store.Incidents.QueryAsync(new IncidentQuery(), Ct)).Total);
    }

    [Fact]
    public async Task Open_AnotherTeachersIncident_RefusedWithTheSameWordsAsNone_AndLogged()
    {
        var id = await RaisedAsync(teacher, lab, labPc);

        var refused = await Service.OpenAsync(otherTeacher, id, Ct);
        var none = await Service.OpenAsync(otherTeacher, 987654, Ct);

        Assert.Null(refused.Detail);
        Assert.Equal(IncidentService.NotYours, refused.Refusal);
        Assert.Equal(refused.Refusal, none.Refusal);
        Assert.Contains(world.Logger.Lines, l => l.Id.Id == 3151 && l.Message.Contains("t.art", StringComparison.Ordinal) && l.Message.Contains("someone else", StringComparison.Ordinal));
        Assert.DoesNotContain(await world.Store.Incidents.ViewsAsync(id, Ct), v => v.UserId == otherTeacher.Id);
        Assert.Null(await Service.PupilAsync(otherTeacher, id, Ct));
    }

    [Fact]
    public async Task Teacher_OwnIncident_ReadsItWithoutViewsOrForms_CannotActOnAnyIncident()
    {
        var id = await RaisedAsync(teacher, lab, labPc);

        var own = (await Service.OpenAsync(teacher, id, Ct)).Detail!;
        var step = await Service.RecordStepAsync(teacher, id, new IncidentStepForm { Kind = IncidentEventKind.Note, Text = "x" }, Ct);
        var close = await Service.ChangeStatusAsync(teacher, id, new IncidentStatusForm { Status = IncidentStatus.Closed, Reason = "x" }, Ct);
        var otherStep = await Service.RecordStepAsync(otherTeacher, id, new IncidentStepForm { Kind = IncidentEventKind.Action, Text = "x" }, Ct);

        Assert.Equal(("Alice Example", "LAB2-PC04", "Lab 2"), (own.Pupil, own.Device, own.Room));
        Assert.False(own.CanAct);
        Assert.Null(own.Views);
        Assert.Equal((false, IncidentService.OnlyLead), (step.Ok, step.Message));
        Assert.False(close.Ok);
        Assert.False(otherStep.Ok);
        Assert.Single(await world.Store.Incidents.ChronologyAsync(id, Ct)); // only 'raised'
        Assert.Single(await world.Store.Incidents.ViewsAsync(id, Ct)); // the teacher's own view is recorded too
    }

    [Fact]
    public async Task List_TeacherAndTechnicianSeeOnlyTheirOwn_LeadAndAdministratorSeeAll_GovernorNothing()
    {
        var mine = await RaisedAsync(teacher, lab, labPc);
        var theirs = await RaisedAsync(otherTeacher, art, artPc);
        var technicians = await RaisedAsync(technician, art, artPc);

        Assert.Equal([mine], await IdsAsync(teacher));
        Assert.Equal([theirs], await IdsAsync(otherTeacher));
        Assert.Equal([technicians], await IdsAsync(technician));
        Assert.Equal([technicians, theirs, mine], await IdsAsync(dsl));
        Assert.Equal([technicians, theirs, mine], await IdsAsync(admin));
        Assert.Empty(await IdsAsync(governor));
        Assert.Null((await Service.OpenAsync(technician, mine, Ct)).Detail);
        Assert.Equal(IncidentService.NoAccess, (await Service.OpenAsync(governor, mine, Ct)).Refusal);
        Assert.False((await Service.ChoicesAsync(teacher, Ct)).ReadsAll);
        Assert.True((await Service.ChoicesAsync(dsl, Ct)).ReadsAll);
        Assert.Empty((await Service.ChoicesAsync(governor, Ct)).Rooms);
    }

    [Fact]
    public async Task Lead_RecordsActionOutcomeAndCloses_ChronologyNamesThem_ViewsListed()
    {
        var id = await RaisedAsync(teacher, lab, labPc);
        await Service.OpenAsync(teacher, id, Ct);
        world.Clock.Now = Ten.AddMinutes(5);

        var opened = (await Service.OpenAsync(dsl, id, Ct)).Detail!;
        var action = await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Action, Text = "Spoke to the pupil" }, Ct);
        var outcome = await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Outcome, Text = "Parents informed" }, Ct);
        var noReason = await Service.ChangeStatusAsync(dsl, id, new IncidentStatusForm { Status = IncidentStatus.Closed, Reason = " " }, Ct);
        var closed = await Service.ChangeStatusAsync(dsl, id, new IncidentStatusForm { Status = IncidentStatus.Closed, Reason = "Dealt with" }, Ct);
        var again = await Service.ChangeStatusAsync(dsl, id, new IncidentStatusForm { Status = IncidentStatus.Closed, Reason = "Dealt with" }, Ct);
        var emptyStep = await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Note, Text = "" }, Ct);
        var longStep = await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Note, Text = new string('x', IncidentStepForm.MaxText + 1) }, Ct);
        var statusAsStep = await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Status, Text = "x" }, Ct);
        var badStatus = await Service.ChangeStatusAsync(admin, id, new IncidentStatusForm { Status = (IncidentStatus)42, Reason = "x" }, Ct);

        Assert.True(opened.CanAct);
        Assert.True(action.Ok && outcome.Ok && closed.Ok, closed.Message);
        Assert.True(noReason.Problems.ContainsKey(nameof(IncidentStatusForm.Reason)));
        Assert.True(again.Problems.ContainsKey(nameof(IncidentStatusForm.Status)));
        Assert.True(emptyStep.Problems.ContainsKey(nameof(IncidentStepForm.Text)));
        Assert.True(longStep.Problems.ContainsKey(nameof(IncidentStepForm.Text)));
        Assert.True(statusAsStep.Problems.ContainsKey(nameof(IncidentStepForm.Kind)));
        Assert.True(badStatus.Problems.ContainsKey(nameof(IncidentStatusForm.Status)));
        var after = (await Service.OpenAsync(admin, id, Ct)).Detail!;
        Assert.Equal((IncidentStatus.Closed, "Spoke to the pupil", "Parents informed"), (after.Status, after.ActionTaken, after.Outcome));
        Assert.Equal(["Raised", "Action taken", "Outcome", "Closed"], after.Chronology!.Select(s => s.What));
        Assert.Equal(["t.lab Name", "dsl Name", "dsl Name", "dsl Name"], after.Chronology!.Select(s => s.Who));
        Assert.Equal("Mon 23 Nov 2026, 10:05", after.Chronology![^1].When);
        Assert.Equal(["admin Name", "dsl Name", "t.lab Name"], after.Views!.Select(v => v.Who));
        Assert.Equal("Incident raised 10:00 on Monday 23 November 2026", after.Title);
    }

    [Fact]
    public async Task Pupil_ChronologyOfAllTheirIncidentsForTheLead_OnlyTheirOwnForTheTeacher()
    {
        var first = await RaisedAsync(teacher, lab, labPc);
        world.Clock.Now = Ten.AddHours(1);
        var byLead = await world.Store.Incidents.RecordAsync(new NewIncident(dsl.Id, world.Clock.Now, "seen on the alerts page", labPc, "Alice Example"), Ct);

        var lead = (await Service.PupilAsync(dsl, first, Ct))!;
        var own = (await Service.PupilAsync(teacher, first, Ct))!;

        Assert.Equal("Alice Example", lead.Pupil);
        Assert.Equal([first, byLead.Id], lead.Incidents.Select(i => i.Id));
        Assert.Equal([first, byLead.Id], lead.Steps.Select(s => s.IncidentId));
        Assert.Equal([first], own.Incidents.Select(i => i.Id));
        Assert.False(own.ReadsAll);
    }

    [Fact]
    public async Task Pupil_ChronologyRecordsAViewOfEveryIncidentItLists()
    {
        var first = await RaisedAsync(teacher, lab, labPc);
        world.Clock.Now = Ten.AddHours(1);
        var byLead = await world.Store.Incidents.RecordAsync(new NewIncident(dsl.Id, world.Clock.Now, "seen on the alerts page", labPc, "Alice Example"), Ct);

        Assert.NotNull(await Service.PupilAsync(admin, first, Ct));

        Assert.Contains(await world.Store.Incidents.ViewsAsync(first, Ct), v => v.UserId == admin.Id);
        Assert.Contains(await world.Store.Incidents.ViewsAsync(byLead.Id, Ct), v => v.UserId == admin.Id);
    }

    [Fact]
    public async Task Reporter_SeesTheirReportStatusAndOutcome_NotTheLeadsStepsNorTheEvidence()
    {
        var id = await RaisedAsync(teacher, lab, labPc);
        Assert.True((await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Note, Text = "Known to social care; see file" }, Ct)).Ok);
        Assert.True((await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Action, Text = "Rang the parents" }, Ct)).Ok);
        Assert.True((await Service.RecordStepAsync(dsl, id, new IncidentStepForm { Kind = IncidentEventKind.Outcome, Text = "No further action" }, Ct)).Ok);

        var own = (await Service.OpenAsync(teacher, id, Ct)).Detail!;
        var ownPupil = (await Service.PupilAsync(teacher, id, Ct))!;
        var lead = (await Service.OpenAsync(dsl, id, Ct)).Detail!;

        Assert.Null(own.Chronology);
        Assert.Null(own.Evidence);
        Assert.Null(own.ActionTaken);
        Assert.Equal(("No further action", IncidentStatus.Open, "Alice Example"), (own.Outcome, own.Status, own.Pupil));
        Assert.Equal(["Raised"], ownPupil.Steps.Select(s => s.What));
        Assert.DoesNotContain(ownPupil.Steps, s => s.Text.Contains("social care", StringComparison.Ordinal));
        Assert.Contains(lead.Chronology!, s => s.Text.Contains("social care", StringComparison.Ordinal));
        Assert.NotNull(lead.Evidence);
        Assert.Equal("Rang the parents", lead.ActionTaken);
    }

    [Fact]
    public async Task Open_EvidenceWords_PendingNoDeviceAndNoActivity()
    {
        var id = await RaisedAsync(teacher, lab, labPc);
        var none = await world.Store.Incidents.RecordAsync(new NewIncident(dsl.Id, Ten, "noted", Description: "Told by a pupil"), Ct);

        var pending = (await Service.OpenAsync(dsl, id, Ct)).Detail!.Evidence!;
        await world.Store.Incidents.SaveEvidenceAsync(id, Ten.AddMinutes(-10), Ten.AddMinutes(5), EvidenceState.Copied, null, "[]", Ct);
        var empty = (await Service.OpenAsync(dsl, id, Ct)).Detail!.Evidence!;
        var noDevice = (await Service.OpenAsync(dsl, none.Id, Ct)).Detail!.Evidence!;

        Assert.Equal(EvidenceState.Pending, pending.State);
        Assert.StartsWith("Copying the device's activity", pending.Message, StringComparison.Ordinal);
        Assert.Equal("No DNS or site activity was recorded for this device in the 15 minutes around the incident.", empty.Message);
        Assert.Equal("09:50 to 10:05 on Monday 23 November 2026", empty.Window);
        Assert.StartsWith("No device was named", noDevice.Message, StringComparison.Ordinal);
    }

    private async Task<(IncidentActionResult Result, long? Id)> ReportAsync(ConsoleUser user, Room room, long device, string whatSeen = "Upsetting content", string? note = null,
        string? site = null, string? category = null)
        => await Service.ReportFromTileAsync(user, room.Id, IncidentWorld.Tile(device, "PC", "Alice Example", site, category), new IncidentReportForm { WhatSeen = whatSeen, Note = note }, Ct);

    private async Task<long> RaisedAsync(ConsoleUser user, Room room, long device)
    {
        if (user.Roles.Contains(Role.Teacher) && room.Id != lab.Id && user.Id != otherTeacher.Id)
        {
            throw new InvalidOperationException("test set-up: that teacher does not teach there");
        }

        var (result, id) = await ReportAsync(user, room, device);
        Assert.True(result.Ok, result.Message);
        return id!.Value;
    }

    private async Task<List<long>> IdsAsync(ConsoleUser user) => (await Service.ListAsync(user, new IncidentFilter(), 0, 25, Ct)).Items.Select(i => i.Id).ToList();

    public Task DisposeAsync() => world.DisposeAsync().AsTask();
}
