using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class StateStorePruneTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task PruneAsync_PastRetention_RemovesExpiredOfEachKindKeepsRecentOpenAndChangeControl()
    {
        using var context = new StateTestContext(o =>
        {
            o.TeacherActionRetentionDays = 30;
            o.AlertRetentionDays = 30;
            o.UnblockRequestRetentionDays = 30;
            o.IncidentRetentionDays = 30;
            o.IpHistoryRetentionDays = 30;
            o.InactiveDeviceRetentionDays = 30;
        });
        var store = context.Store;
        var t0 = context.Clock.Now;
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "R1", Token);

        // Old data (t0), of every kind.
        var oldDevice = await store.Devices.ObserveAsync(new DeviceObservation(t0, DeviceSource.Sniffer, "aa:00:00:00:00:01", "10.0.0.1"), Token);
        var keptDevice = await store.Devices.ObserveAsync(new DeviceObservation(t0, DeviceSource.Sniffer, "aa:00:00:00:00:02", "10.0.0.2"), Token);
        await store.Devices.ObserveAsync(new DeviceObservation(t0.AddMinutes(1), DeviceSource.Sniffer, "aa:00:00:00:00:02", "10.0.0.1"), Token); // history row
        await store.TeacherActions.StartAsync(new(TeacherActionKind.Blank, teacher.Id, "old", ActionScope.Room, null, room.Id, t0.AddMinutes(5)), Token);
        var oldAck = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, t0, "DoH to 1.1.1.1", oldDevice), Token);
        await store.Alerts.AcknowledgeAsync(oldAck.Id, dsl.Id, Token);
        var oldUnacked = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0, "self-harm site", keptDevice, "self_harm"), Token);
        var oldClosed = await store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0, "screen blanked", oldDevice, Url: "http://x.example"), Token);
        await store.Incidents.UpdateStatusAsync(oldClosed.Id, IncidentStatus.Closed, "spoke to pupil", Token);
        var oldOpen = await store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0, "reported to DSL"), Token);
        var request = (await store.UnblockRequests.RequestAsync(new(teacher.Id, "a.example", "lesson", ActionScope.Room, null, room.Id, t0, t0.AddHours(1)), Token)).Request!;
        await store.UnblockRequests.RefuseAsync(request.Id, dsl.Id, "no", Token);
        var pendingRequest = (await store.UnblockRequests.RequestAsync(new(teacher.Id, "b.example", "lesson", ActionScope.Room, null, room.Id, t0, t0.AddHours(1)), Token)).Request!;
        var changeLogBefore = (long)context.RawScalar("SELECT count(*) FROM change_log")!;

        // 40 days on: the kept device is seen again and fresh data arrives.
        context.Clock.Advance(TimeSpan.FromDays(40));
        var now = context.Clock.Now;
        await store.Devices.ObserveAsync(new DeviceObservation(now, DeviceSource.Sniffer, "aa:00:00:00:00:02", "10.0.0.1"), Token);
        var fresh = await store.TeacherActions.StartAsync(new(TeacherActionKind.Pause, teacher.Id, "new", ActionScope.Room, null, room.Id, now.AddMinutes(5)), Token);
        var freshAlert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Other, now, "recent"), Token);
        await store.Alerts.AcknowledgeAsync(freshAlert.Id, dsl.Id, Token);
        var revision = await store.GetRevisionAsync(Token);

        var result = await store.PruneAsync(now, Token);

        Assert.Equal(new PruneResult(TeacherActions: 1, Alerts: 1, UnblockRequests: 1, Incidents: 1, IpHistory: 1, Devices: 1), result);
        Assert.Null(await store.Devices.GetAsync(oldDevice, Token));
        Assert.NotNull(await store.Devices.GetAsync(keptDevice, Token));
        Assert.Equal(fresh.Id, Assert.Single(await store.TeacherActions.ActiveAtAsync(now, null, Token)).Id);
        Assert.Equal(oldUnacked.Id, Assert.Single(await store.Alerts.ListUnacknowledgedAsync(Token)).Id);
        Assert.Equal(2, (await store.Alerts.ListAsync(t0.AddDays(-1), now.AddDays(1), Token)).Count);
        Assert.Null(await store.Incidents.GetAsync(oldClosed.Id, Token));
        Assert.NotNull(await store.Incidents.GetAsync(oldOpen.Id, Token));
        Assert.Null(await store.UnblockRequests.GetAsync(request.Id, Token));
        Assert.NotNull(await store.UnblockRequests.GetAsync(pendingRequest.Id, Token));
        Assert.Equal(changeLogBefore, context.RawScalar("SELECT count(*) FROM change_log"));
        Assert.True((await store.ChangeControl.VerifyChainAsync(null, Token)).IsValid);
        Assert.Equal(revision + 1, await store.GetRevisionAsync(Token));
    }

    [Fact]
    public async Task PruneAsync_NothingExpired_DeletesNothingAndKeepsRevision()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        await context.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "noted"), Token);
        var revision = await context.Store.GetRevisionAsync(Token);

        var result = await context.Store.PruneAsync(context.Clock.Now, Token);

        Assert.Equal(new PruneResult(0, 0, 0, 0, 0, 0), result);
        Assert.Equal(revision, await context.Store.GetRevisionAsync(Token));
    }

    [Fact]
    public void StateOptions_Defaults_AreTheDocumentedRetention()
    {
        var options = new StateOptions();

        Assert.Equal(
            (90, 365, 365, 2190, 90, 400),
            (options.TeacherActionRetentionDays, options.AlertRetentionDays, options.UnblockRequestRetentionDays, options.IncidentRetentionDays, options.IpHistoryRetentionDays, options.InactiveDeviceRetentionDays));
    }
}
