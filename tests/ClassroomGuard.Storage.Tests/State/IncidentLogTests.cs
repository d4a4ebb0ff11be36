using ClassroomGuard.Storage.State;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>The incident log against a real state database: raising, the chronology, views, the log's queries and pruning.</summary>
public sealed class IncidentLogTests : IDisposable
{
    private readonly StateTestContext context = new();

    private static CancellationToken Token => StateTestContext.Token;

    private StateStore Store => context.Store;

    [Fact]
    public async Task RecordAsync_DeviceInARoom_IncidentChronologyAndPendingEvidenceInOneGo()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var (room, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");

        var incident = await Store.Incidents.RecordAsync(
            new NewIncident(teacher.Id, context.Clock.Now, "Reported to the safeguarding lead", device, "Alice Example", "bad.example", "adult", Description: "Unsuitable site on screen"), Token);

        Assert.Equal((room.Id, "Lab 2", "LAB2-PC04"), (incident.RoomId, incident.RoomLabel, incident.DeviceLabel));
        Assert.Equal("Unsuitable site on screen", incident.Description);
        var raised = Assert.Single(await Store.Incidents.ChronologyAsync(incident.Id, Token));
        Assert.Equal((IncidentEventKind.Raised, teacher.Id, "teacher", "Unsuitable site on screen", IncidentStatus.Open),
            (raised.Kind, raised.UserId, raised.UserName, raised.Text, raised.Status));
        var evidence = (await Store.Incidents.EvidenceAsync(incident.Id, Token))!;
        Assert.Equal(EvidenceState.Pending, evidence.State);
        Assert.Equal(context.Clock.Now - IncidentRepository.DefaultEvidenceBefore, evidence.From);
        Assert.Equal(context.Clock.Now + IncidentRepository.DefaultEvidenceAfter, evidence.To);
        Assert.Equal("[]", evidence.Rows);
        Assert.Equal(incident.Id, Assert.Single(await Store.Incidents.PendingEvidenceAsync(10, Token)).IncidentId);
    }

    [Fact]
    public async Task RecordAsync_RoomGiven_WinsOverTheDevicesRoom_AndNamesSurviveRemoval()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var (_, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");
        var site = (await Store.Sites.ListSitesAsync(Token))[0];
        var hall = await Store.Sites.CreateRoomAsync(site.Id, "Hall", Token);

        var incident = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported", device, RoomId: hall.Id), Token);
        Assert.True(await Store.Sites.RemoveRoomAsync(hall.Id, Token));
        var after = (await Store.Incidents.GetAsync(incident.Id, Token))!;

        Assert.Null(after.RoomId);
        Assert.Equal("Hall", after.RoomLabel);
    }

    [Fact]
    public async Task RecordAsync_NoDevice_EvidenceCopiedWithNoRowsAndSaysWhy()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);

        var incident = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported", Description: "Other"), Token);

        var evidence = (await Store.Incidents.EvidenceAsync(incident.Id, Token))!;
        Assert.Equal((EvidenceState.Copied, "[]", IncidentRepository.NoDeviceNote), (evidence.State, evidence.Rows, evidence.Note));
        Assert.Empty(await Store.Incidents.PendingEvidenceAsync(10, Token));
        Assert.Null(incident.RoomId);
    }

    [Fact]
    public async Task RecordAsync_UnknownUser_NothingWrittenAtAll()
    {
        var (_, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");

        await Assert.ThrowsAnyAsync<Exception>(() => Store.Incidents.RecordAsync(new NewIncident(999, context.Clock.Now, "reported", device), Token));

        Assert.Equal(0L, Count("incidents") + Count("incident_events") + Count("incident_evidence")); // one transaction: all or nothing
    }

    [Fact]
    public async Task Steps_ActionOutcomeNoteAndStatus_ChronologyNamesWhoAndWhen()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var incident = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported", Person: "Alice Example"), Token);

        context.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await Store.Incidents.ChangeStatusAsync(incident.Id, dsl.Id, IncidentStatus.Investigating, "looking into it", Token));
        Assert.False(await Store.Incidents.ChangeStatusAsync(incident.Id, dsl.Id, IncidentStatus.Investigating, null, Token)); // already so
        context.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await Store.Incidents.AddStepAsync(incident.Id, dsl.Id, IncidentEventKind.Action, "Spoke to the pupil", Token));
        Assert.True(await Store.Incidents.AddStepAsync(incident.Id, dsl.Id, IncidentEventKind.Outcome, "Parents informed", Token));
        Assert.True(await Store.Incidents.AddStepAsync(incident.Id, dsl.Id, IncidentEventKind.Note, "Follow up next week", Token));
        context.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await Store.Incidents.ChangeStatusAsync(incident.Id, dsl.Id, IncidentStatus.Closed, "dealt with", Token));
        Assert.False(await Store.Incidents.AddStepAsync(999, dsl.Id, IncidentEventKind.Note, "x", Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Incidents.AddStepAsync(incident.Id, dsl.Id, IncidentEventKind.Status, "x", Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Incidents.AddStepAsync(incident.Id, dsl.Id, IncidentEventKind.Note, "   ", Token));

        var after = (await Store.Incidents.GetAsync(incident.Id, Token))!;
        Assert.Equal((IncidentStatus.Closed, "Spoke to the pupil", "Parents informed", context.Clock.Now), (after.Status, after.ActionTaken, after.Outcome, after.ClosedAt));
        var steps = await Store.Incidents.ChronologyAsync(incident.Id, Token);
        Assert.Equal(
            [IncidentEventKind.Raised, IncidentEventKind.Status, IncidentEventKind.Action, IncidentEventKind.Outcome, IncidentEventKind.Note, IncidentEventKind.Status],
            steps.Select(s => s.Kind));
        Assert.All(steps.Skip(1), s => Assert.Equal("dsl", s.UserName));
        Assert.Equal(IncidentStatus.Closed, steps[^1].Status);
        Assert.Equal("dealt with", steps[^1].Text);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First.At <= p.Second.At));

        Assert.True(await Store.Incidents.ChangeStatusAsync(incident.Id, dsl.Id, IncidentStatus.Investigating, "reopened", Token));
        Assert.Null((await Store.Incidents.GetAsync(incident.Id, Token))!.ClosedAt);
    }

    [Fact]
    public async Task RecordViewAsync_EveryViewRecorded_SamePersonWithinAMinuteOnce()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var incident = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported"), Token);

        Assert.True(await Store.Incidents.RecordViewAsync(incident.Id, dsl.Id, Token));
        Assert.False(await Store.Incidents.RecordViewAsync(incident.Id, dsl.Id, Token)); // the same page's live connection
        Assert.True(await Store.Incidents.RecordViewAsync(incident.Id, teacher.Id, Token));
        context.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await Store.Incidents.RecordViewAsync(incident.Id, dsl.Id, Token));
        Assert.False(await Store.Incidents.RecordViewAsync(999, dsl.Id, Token));

        var views = await Store.Incidents.ViewsAsync(incident.Id, Token);
        Assert.Equal(["dsl", "teacher", "dsl"], views.Select(v => v.UserName));
        Assert.Equal(context.Clock.Now, views[0].At);
    }

    [Fact]
    public async Task QueryAsync_Filters_NewestFirstPagedAndOnlyTheirOwnWhenAsked()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var other = await context.UserAsync("other", Role.Teacher);
        var (room, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");
        var t0 = context.Clock.Now;
        var a = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0, "r", device, "Alice Example", Category: "adult"), Token);
        var b = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0.AddHours(1), "r", null, "Bob Example", Category: "self_harm"), Token);
        var c = await Store.Incidents.RecordAsync(new NewIncident(other.Id, t0.AddHours(2), "r", device, "alice example", Category: "adult"), Token);
        await Store.Incidents.ChangeStatusAsync(b.Id, other.Id, IncidentStatus.Closed, null, Token);

        Assert.Equal([c.Id, b.Id, a.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(), Token)).Items.Select(i => i.Id));
        var own = await Store.Incidents.QueryAsync(new IncidentQuery(ReportedBy: teacher.Id), Token);
        Assert.Equal(2, own.Total);
        Assert.Equal([b.Id, a.Id], own.Items.Select(i => i.Id));
        Assert.Equal([b.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(Status: IncidentStatus.Closed), Token)).Items.Select(i => i.Id));
        Assert.Equal([c.Id, a.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(Category: "adult"), Token)).Items.Select(i => i.Id));
        Assert.Equal([c.Id, a.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(RoomId: room.Id), Token)).Items.Select(i => i.Id));
        Assert.Equal([c.Id, a.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(Person: "ALICE"), Token)).Items.Select(i => i.Id));
        Assert.Equal([b.Id], (await Store.Incidents.QueryAsync(new IncidentQuery(From: t0.AddMinutes(30), To: t0.AddMinutes(90)), Token)).Items.Select(i => i.Id));
        var page = await Store.Incidents.QueryAsync(new IncidentQuery(Offset: 1, Limit: 1), Token);
        Assert.Equal((3, b.Id), (page.Total, Assert.Single(page.Items).Id));
        Assert.Empty((await Store.Incidents.QueryAsync(new IncidentQuery(Person: "'; DROP TABLE incidents; --"), Token)).Items);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Incidents.QueryAsync(new IncidentQuery(Limit: 0), Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Incidents.QueryAsync(new IncidentQuery(Limit: 501), Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Incidents.QueryAsync(new IncidentQuery(Offset: -1), Token));
    }

    [Fact]
    public async Task PersonChronologyAsync_AllTheirIncidentsInTimeOrder_OrOnlyTheReportersOwn()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var first = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "r", Person: "Alice Example"), Token);
        context.Clock.Advance(TimeSpan.FromHours(1));
        var second = await Store.Incidents.RecordAsync(new NewIncident(dsl.Id, context.Clock.Now, "r", Person: "ALICE EXAMPLE"), Token);
        await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "r", Person: "Bob Example"), Token);
        context.Clock.Advance(TimeSpan.FromHours(1));
        await Store.Incidents.AddStepAsync(first.Id, dsl.Id, IncidentEventKind.Note, "later note on the first", Token);

        var (incidents, events) = await Store.Incidents.PersonChronologyAsync("alice example", null, Token);
        Assert.Equal([first.Id, second.Id], incidents.Select(i => i.Id));
        Assert.Equal([(first.Id, IncidentEventKind.Raised), (second.Id, IncidentEventKind.Raised), (first.Id, IncidentEventKind.Note)], events.Select(e => (e.IncidentId, e.Kind)));
        var (own, ownEvents) = await Store.Incidents.PersonChronologyAsync("Alice Example", teacher.Id, Token);
        Assert.Equal([first.Id], own.Select(i => i.Id));
        Assert.All(ownEvents, e => Assert.Equal(first.Id, e.IncidentId));
    }

    [Fact]
    public async Task SaveEvidenceAsync_OnlyWhilePending_NeverOverwritesAFinishedCopy()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var (_, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");
        var incident = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "r", device), Token);
        var from = context.Clock.Now.AddMinutes(-10);
        var to = context.Clock.Now.AddMinutes(5);

        Assert.True(await Store.Incidents.NoteEvidenceAsync(incident.Id, "waiting", Token));
        Assert.True(await Store.Incidents.SaveEvidenceAsync(incident.Id, from, to, EvidenceState.Copied, null, "[{\"kind\":\"dns\"}]", Token));
        Assert.False(await Store.Incidents.SaveEvidenceAsync(incident.Id, from, to, EvidenceState.Copied, null, "[]", Token));
        Assert.False(await Store.Incidents.NoteEvidenceAsync(incident.Id, "waiting", Token));

        var evidence = (await Store.Incidents.EvidenceAsync(incident.Id, Token))!;
        Assert.Equal((EvidenceState.Copied, "[{\"kind\":\"dns\"}]", (string?)null), (evidence.State, evidence.Rows, evidence.Note));
    }

    [Fact]
    public async Task PruneAsync_ClosedPastRetention_GoesWithItsChronologyEvidenceAndViews_OpenStays()
    {
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var (_, device) = await RoomWithDeviceAsync("Lab 2", "LAB2-PC04");
        var closed = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "r", device), Token);
        var open = await Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "r", device), Token);
        await Store.Incidents.RecordViewAsync(closed.Id, dsl.Id, Token);
        await Store.Incidents.RecordViewAsync(open.Id, dsl.Id, Token);
        await Store.Incidents.ChangeStatusAsync(closed.Id, dsl.Id, IncidentStatus.Closed, "done", Token);
        var days = context.Options.IncidentRetentionDays;

        var early = await Store.PruneAsync(context.Clock.Now.AddDays(days - 1), Token);
        context.Clock.Advance(TimeSpan.FromDays(days - 1));
        await Store.Incidents.AddStepAsync(open.Id, dsl.Id, IncidentEventKind.Note, "still open", Token);
        var result = await Store.PruneAsync(context.Clock.Now.AddDays(2), Token);

        Assert.Equal(0, early.Incidents);
        Assert.Equal(1, result.Incidents);
        Assert.Null(await Store.Incidents.GetAsync(closed.Id, Token));
        Assert.NotNull(await Store.Incidents.GetAsync(open.Id, Token));
        Assert.Equal(0L, Count("incident_events", closed.Id) + Count("incident_evidence", closed.Id) + Count("incident_views", closed.Id));
        Assert.Equal(2L, Count("incident_events", open.Id));
        Assert.Equal(1L, Count("incident_evidence", open.Id) * Count("incident_views", open.Id));
    }

    public void Dispose() => context.Dispose();

    private async Task<(Room Room, long Device)> RoomWithDeviceAsync(string room, string host)
    {
        var site = (await Store.Sites.ListSitesAsync(Token)).FirstOrDefault() ?? await Store.Sites.CreateSiteAsync("Main", Token);
        var created = await Store.Sites.CreateRoomAsync(site.Id, room, Token);
        var device = await Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Agent, "aa:bb:cc:00:00:04", "10.0.0.4", host), Token);
        await Store.Devices.SetRoomAsync(device, created.Id, Token);
        return (created, device);
    }

    private long Count(string table, long? incident = null)
    {
        using var connection = new SqliteConnection($"Data Source={context.DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}" + (incident is null ? "" : $" WHERE incident_id = {incident}");
        return (long)command.ExecuteScalar()!;
    }
}
