using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding;

public sealed class AlertsServiceTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string root = Directory.CreateTempSubdirectory("cg-alerts-").FullName;
    private readonly StateStore store;
    private readonly AlertsService service;

    public AlertsServiceTests()
    {
        store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db") });
        service = new AlertsService(store, new AlertSeverities(Options.Create(new SafeguardingOptions())), Options.Create(new StateOptions()), TimeProvider.System,
            NullLogger<AlertsService>.Instance);
    }

    [Fact]
    public async Task PageAsync_SafeguardingLead_NeverSeesApplianceAlerts_TechnicianDoes_TeacherRefused()
    {
        var dsl = await UserAsync("dsl", Role.SafeguardingLead);
        var tech = await UserAsync("tech", Role.Technician);
        var teacher = await UserAsync("teacher", Role.Teacher);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, DateTimeOffset.UtcNow, "The UT1 download failed"), None);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow, "e", null, "self_harm", "harm.example"), None);

        var forLead = await service.PageAsync(dsl, new AlertFilter(), 0, 25, None);
        var forTech = await service.PageAsync(tech, new AlertFilter(), 0, 25, None);

        Assert.Equal(["Danger"], forLead.Items.Select(r => r.SeverityWord));
        Assert.Equal(["Danger", "Appliance"], forTech.Items.Select(r => r.SeverityWord));
        Assert.Empty((await service.PageAsync(dsl, new AlertFilter(AlertSeverity.Appliance), 0, 25, None)).Items);
        Assert.Equal("Self-harm and suicide", forLead.Items[0].Category);
        Assert.Equal("No room", forLead.Items[0].Room);
        Assert.DoesNotContain(AlertSeverity.Appliance, (await service.ChoicesAsync(dsl, None)).Severities);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.PageAsync(teacher, new AlertFilter(), 0, 25, None));
    }

    [Fact]
    public async Task TurnIntoIncidentAsync_OneStep_IncidentLinkedAndAlertAcknowledged_SecondTimeAnswersTheSameIncident()
    {
        var dsl = await UserAsync("dsl", Role.SafeguardingLead);
        var device = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Agent, "02:00:00:00:00:09", "10.0.0.9", "LIB-PC2", "Sam Pupil"), None);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-2), "e", device, "extremism", "x.example"), None);

        var result = await service.TurnIntoIncidentAsync(dsl, alert.Id, None);
        var again = await service.TurnIntoIncidentAsync(dsl, alert.Id, None);

        Assert.True(result.Done);
        var incident = (await store.Incidents.GetAsync(result.IncidentId!.Value, None))!;
        Assert.Equal((dsl.Id, device, "x.example", "extremism", "Raised from an alert", "Sam Pupil"),
            (incident.ReportedBy, incident.DeviceId, incident.Url, incident.Category, incident.ActionTaken, incident.Person));
        Assert.Equal(alert.At.ToUnixTimeMilliseconds(), incident.OccurredAt.ToUnixTimeMilliseconds());
        var stored = (await store.Alerts.GetAsync(alert.Id, None))!;
        Assert.Equal((result.IncidentId, "Turned into an incident."), (stored.IncidentId, stored.AcknowledgedNote));
        Assert.False(again.Done);
        Assert.Equal(result.IncidentId, again.IncidentId);
    }

    [Fact]
    public async Task TurnIntoIncidentAsync_FourPeopleAtOnce_OneIncident_TheOthersToldWhichOne()
    {
        var people = new List<ConsoleUser>();
        for (var i = 0; i < 4; i++)
        {
            people.Add(await UserAsync("dsl" + i, Role.SafeguardingLead));
        }

        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-1), "e", null, "self_harm", "harm.example"), None);

        var results = await Task.WhenAll(people.Select(p => Task.Run(() => service.TurnIntoIncidentAsync(p, alert.Id, None))));

        var made = Assert.Single(results, r => r.Done);
        Assert.All(results, r => Assert.Equal(made.IncidentId, r.IncidentId));
        var incidents = await store.Incidents.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), None);
        Assert.Equal(made.IncidentId, Assert.Single(incidents, i => i.AlertId == alert.Id).Id);
        var stored = (await store.Alerts.GetAsync(alert.Id, None))!;
        Assert.Equal((made.IncidentId, "Turned into an incident."), (stored.IncidentId, stored.AcknowledgedNote));
    }

    [Fact]
    public async Task TurnIntoIncidentAsync_AnIncidentAlreadyNamesTheAlert_ItIsLinked_NoSecondOne()
    {
        var dsl = await UserAsync("dsl", Role.SafeguardingLead);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow.AddMinutes(-1), "e", null, "self_harm", "harm.example"), None);
        // Recorded from the alert, but the link was never written (the console stopped between the two).
        var earlier = await store.Incidents.RecordAsync(
            new NewIncident(ReportedBy: dsl.Id, OccurredAt: alert.At, ActionTaken: "Raised from an alert", AlertId: alert.Id), None);

        var result = await service.TurnIntoIncidentAsync(dsl, alert.Id, None);

        Assert.False(result.Done);
        Assert.Equal(earlier.Id, result.IncidentId);
        Assert.Equal(earlier.Id, (await store.Alerts.GetAsync(alert.Id, None))!.IncidentId);
        Assert.Single(await store.Incidents.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), None), i => i.AlertId == alert.Id);
    }

    [Fact]
    public async Task RaiseAsync_AFoldedRepeat_DoesNotMoveTheStateRevision_ANewAlertDoes()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var first = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, at, "DNS query for harm.example blocked; client 10.0.0.5", null, "self_harm", "harm.example"), None);
        var before = await store.GetRevisionAsync(None);

        var repeat = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, at.AddMinutes(1), "DNS query for harm.example blocked; client 10.0.0.5", null, "self_harm", "harm.example"), None);

        Assert.Equal((first.Id, 2), (repeat.Id, repeat.Count));
        Assert.Equal(before, await store.GetRevisionAsync(None)); // the DNS filter recompiles on every revision: not for a count
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, at, "DNS query for x.example blocked; client 10.0.0.6", null, "extremism", "x.example"), None);
        Assert.NotEqual(before, await store.GetRevisionAsync(None));
    }

    [Fact]
    public async Task CountFeed_AnAlertRaisedElsewhere_ReachesEveryListeningMenu_AnAcknowledgementHereToo()
    {
        var dsl = await UserAsync("dsl", Role.SafeguardingLead);
        var tech = await UserAsync("tech", Role.Technician);
        var teacher = await UserAsync("teacher", Role.Teacher);
        using var feed = new AlertsCountFeed(store, new AlertSeverities(Options.Create(new SafeguardingOptions())), service, TimeProvider.System, NullLogger<AlertsCountFeed>.Instance)
        {
            Interval = TimeSpan.FromMilliseconds(100),
        };
        await feed.StartAsync(None);
        var heard = new System.Collections.Concurrent.BlockingCollection<(string Who, int Count)>();
        using var forLead = feed.Subscribe(dsl, n => heard.Add(("dsl", n)));
        using var forTech = feed.Subscribe(tech, n => heard.Add(("tech", n)));
        Assert.Throws<UnauthorizedAccessException>(() => feed.Subscribe(teacher, _ => { }));
        Assert.True(heard.TryTake(out var first, TimeSpan.FromSeconds(20)));
        Assert.True(heard.TryTake(out var second, TimeSpan.FromSeconds(20)));
        Assert.Equal([0, 0], new[] { first.Count, second.Count });

        // Raised by the DNS filter (straight into the state): no event on this console, the shared read finds it.
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow, "e", null, "self_harm", "harm.example"), None);
        var told = new[] { heard.Take(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token), heard.Take(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token) };
        Assert.Equal([("dsl", 1), ("tech", 1)], told.OrderBy(t => t.Who, StringComparer.Ordinal));

        Assert.True((await service.AcknowledgeAsync(dsl, alert.Id, "Spoke to the pupil.", None)).Done);
        Assert.Equal(0, heard.Take(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token).Count);
        await feed.StopAsync(None);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task AcknowledgeAsync_NoNote_RefusedWithTheReason(string? note)
    {
        var dsl = await UserAsync("dsl", Role.SafeguardingLead);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, DateTimeOffset.UtcNow, "e", null, "self_harm"), None);

        var result = await service.AcknowledgeAsync(dsl, alert.Id, note, None);

        Assert.False(result.Done);
        Assert.Contains("Write what you did", result.Message, StringComparison.Ordinal);
        Assert.Null((await store.Alerts.GetAsync(alert.Id, None))!.AcknowledgedAt);
        Assert.True((await service.AcknowledgeAsync(dsl, alert.Id, "Spoke to the pupil.", None)).Done);
        Assert.False((await service.AcknowledgeAsync(dsl, alert.Id + 50, "x", None)).Done);
        Assert.NotNull(AlertsService.NoteProblem(new string('x', AlertsService.MaxNoteLength + 1)));
    }

    public void Dispose()
    {
        store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    private async Task<ConsoleUser> UserAsync(string name, Role role)
    {
        var (_, account) = await store.Users.CreateUserAsync(name, name, [role], "correct horse battery staple", None);
        return new ConsoleUser(account!.Id, name, name, new HashSet<Role> { role }, false);
    }
}
