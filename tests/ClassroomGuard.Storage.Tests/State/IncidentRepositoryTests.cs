using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class IncidentRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task RecordAsync_WithDevice_KeepsDeviceLabelAfterDeviceIsPruned()
    {
        using var context = new StateTestContext(o => o.InactiveDeviceRetentionDays = 1);
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var device = await context.Store.Devices.ObserveAsync(new DeviceObservation(context.Clock.Now, DeviceSource.Agent, "aa:bb:cc:00:00:01", "10.0.0.3", "IT1-PC03"), Token);

        var incident = await context.Store.Incidents.RecordAsync(
            new NewIncident(teacher.Id, context.Clock.Now, "screen blanked", device, "Pupil A", "http://bad.example/x", "adult", "screenshot ref 12"), Token);
        await context.Store.PruneAsync(context.Clock.Now.AddDays(3), Token);
        var after = (await context.Store.Incidents.GetAsync(incident.Id, Token))!;

        Assert.Equal(IncidentStatus.Open, after.Status);
        Assert.Null(after.DeviceId);
        Assert.Equal("IT1-PC03", after.DeviceLabel);
        Assert.Equal("http://bad.example/x", after.Url);
    }

    [Fact]
    public async Task UpdateStatusAsync_Closed_RecordsOutcomeAndListsByTime()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        var incident = await context.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, context.Clock.Now, "reported"), Token);

        Assert.True(await context.Store.Incidents.UpdateStatusAsync(incident.Id, IncidentStatus.Closed, "parents informed", Token));
        Assert.False(await context.Store.Incidents.UpdateStatusAsync(999, IncidentStatus.Closed, null, Token));

        var listed = Assert.Single(await context.Store.Incidents.ListAsync(context.Clock.Now.AddHours(-1), context.Clock.Now.AddHours(1), Token));
        Assert.Equal((IncidentStatus.Closed, "parents informed"), (listed.Status, listed.Outcome));
    }
}
