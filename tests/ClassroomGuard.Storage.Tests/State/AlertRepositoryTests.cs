using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class AlertRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    private static readonly AlertMatch Danger = new(["self_harm", "extremism"], []);

    [Fact]
    public async Task RaiseAsync_RepeatWithinTheHour_FoldedIntoTheOpenAlertWithCountAndLastTime()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var device = await DeviceAsync(store, t0, "aa:00:00:00:00:01", null);

        var first = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0, "e1", device, "self_harm", "harm.example"), Token);
        var again = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(20), "e2", device, "self_harm", "harm.example"), Token);
        var third = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(59), "e3", device, "self_harm", "harm.example"), Token);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.Equal(3, third.Count);
        Assert.Equal(t0.AddMinutes(59).ToUnixTimeMilliseconds(), third.LastAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(t0.ToUnixTimeMilliseconds(), third.At.ToUnixTimeMilliseconds());
        Assert.Equal("e1", third.Evidence);
        Assert.Single(await store.Alerts.ListUnacknowledgedAsync(Token));
    }

    [Theory]
    [InlineData("another device")]
    [InlineData("another domain")]
    [InlineData("another category")]
    [InlineData("another kind")]
    [InlineData("after the hour")]
    [InlineData("acknowledged")]
    public async Task RaiseAsync_NotTheSameOpenAlert_NewAlert(string difference)
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var device = await DeviceAsync(store, t0, "aa:00:00:00:00:01", null);
        var other = await DeviceAsync(store, t0, "aa:00:00:00:00:02", null);
        var first = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0, "e", device, "self_harm", "harm.example"), Token);
        if (difference == "acknowledged")
        {
            Assert.Equal(AcknowledgeOutcome.Acknowledged, await store.Alerts.AcknowledgeAsync(first.Id, dsl.Id, "spoke to the pupil", Token));
        }

        var next = difference switch
        {
            "another device" => new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(1), "e", other, "self_harm", "harm.example"),
            "another domain" => new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(1), "e", device, "self_harm", "harm2.example"),
            "another category" => new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(1), "e", device, "extremism", "harm.example"),
            "another kind" => new NewAlert(AlertKind.Circumvention, t0.AddMinutes(1), "e", device, "self_harm", "harm.example"),
            "after the hour" => new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(61), "e", device, "self_harm", "harm.example"),
            _ => new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(1), "e", device, "self_harm", "harm.example"),
        };

        var second = await store.Alerts.RaiseAsync(next, Token);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(1, second.Count);
    }

    [Fact]
    public async Task RaiseAsync_NoDevice_FoldsBySameClientAddressInEvidenceOnly()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        const string dns5 = "DNS query for harm.example blocked: category self_harm, rule harm.example; client 10.0.0.5; at x";
        const string dns5Mac = "DNS query for harm.example blocked: category self_harm, rule harm.example; client 10.0.0.5, MAC 02:00:00:00:00:05; at y";
        const string dns55 = "DNS query for harm.example blocked: category self_harm, rule harm.example; client 10.0.0.55; at z";

        var a = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0, dns5, null, "self_harm", "harm.example"), Token);
        var b = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(5), dns5Mac, null, "self_harm", "harm.example"), Token);
        var c = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(6), dns55, null, "self_harm", "harm.example"), Token);
        var sniffer1 = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, t0, "10.0.0.7 sent a TLS ClientHello for dns.google to 8.8.8.8:443", null, "doh", "dns.google"), Token);
        var sniffer2 = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, t0.AddMinutes(3), "10.0.0.7 sent a TLS ClientHello for dns.google to 8.8.4.4:443", null, "doh", "dns.google"), Token);
        var appliance1 = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, t0, "The UT1 download failed"), Token);
        var appliance2 = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, t0.AddMinutes(1), "The UT1 download failed"), Token);

        Assert.Equal((a.Id, 2), (b.Id, b.Count));
        Assert.NotEqual(a.Id, c.Id);
        Assert.Equal((sniffer1.Id, 2), (sniffer2.Id, sniffer2.Count));
        Assert.NotEqual(appliance1.Id, appliance2.Id); // no device, no client: never folded
    }

    [Theory]
    [InlineData("DNS query for a blocked: category c, rule r; client 10.0.0.5; at t", "10.0.0.5")]
    [InlineData("DNS query for a blocked: category c, rule r; client 10.0.0.5, MAC 02:00:00:00:00:01, device 3; at t", "10.0.0.5")]
    [InlineData("DNS query for a blocked: category c, rule r; client fd00::5; at t", "fd00::5")]
    [InlineData("10.0.0.7 sent a TLS ClientHello for dns.google to 8.8.8.8:443", "10.0.0.7")]
    [InlineData("DNS query for a blocked: category c, rule r; client ", null)]
    [InlineData("DNS query; client not-an-address; at t", null)]
    [InlineData("someone sent something", null)]
    [InlineData(" sent ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("The UT1 block-list download from https://x/ was refused", null)]
    public void ClientOf_Evidence_AddressOrNull(string? evidence, string? expected) => Assert.Equal(expected, AlertRepository.ClientOf(evidence));

    [Fact]
    public async Task RaiseAsync_DeviceInARoom_RoomKeptWhenTheDeviceMovesLater()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "R1", Token);
        var other = await store.Sites.CreateRoomAsync(site.Id, "R2", Token);
        var device = await DeviceAsync(store, t0, "aa:00:00:00:00:01", room.Id);

        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0, "e", device, "self_harm", "harm.example"), Token);
        await store.Devices.SetRoomAsync(device, other.Id, Token);

        Assert.Equal(room.Id, alert.RoomId);
        Assert.Equal(room.Id, (await store.Alerts.GetAsync(alert.Id, Token))!.RoomId);
    }

    [Fact]
    public async Task QueryAsync_Filters_EachKeepsOnlyItsAlertsNewestFirst()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var site = await store.Sites.CreateSiteAsync("Main", Token);
        var room = await store.Sites.CreateRoomAsync(site.Id, "R1", Token);
        var inRoom = await DeviceAsync(store, t0, "aa:00:00:00:00:01", room.Id);
        var noRoom = await DeviceAsync(store, t0, "aa:00:00:00:00:02", null);

        var harm = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-50), "e", inRoom, "self_harm", "a.example"), Token);
        var extreme = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-40), "e", noRoom, "extremism", "b.example"), Token);
        var vpn = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Circumvention, t0.AddMinutes(-30), "e", inRoom, "vpn", "c.example"), Token);
        var games = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Other, t0.AddMinutes(-20), "e", noRoom, "games", "d.example"), Token);
        var appliance = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.Appliance, t0.AddMinutes(-10), "lists failed"), Token);
        await store.Alerts.AcknowledgeAsync(extreme.Id, dsl.Id, "seen", Token);

        async Task<long[]> Ids(AlertQuery q) => [.. (await store.Alerts.QueryAsync(q, Token)).Items.Select(a => a.Id)];
        var notAppliance = new AlertMatch([], [AlertKind.Appliance]);

        Assert.Equal([appliance.Id, games.Id, vpn.Id, extreme.Id, harm.Id], await Ids(new AlertQuery()));
        Assert.Equal([extreme.Id, harm.Id], await Ids(new AlertQuery(Include: Danger, Exclude: notAppliance)));
        Assert.Equal([vpn.Id], await Ids(new AlertQuery(Include: new AlertMatch(["adult"], [AlertKind.Circumvention]), Exclude: new AlertMatch(Danger.Categories, [AlertKind.Appliance]))));
        Assert.Equal([games.Id], await Ids(new AlertQuery(Exclude: new AlertMatch([.. Danger.Categories, "adult"], [AlertKind.Circumvention, AlertKind.Appliance]))));
        Assert.Equal([appliance.Id], await Ids(new AlertQuery(Include: new AlertMatch([], [AlertKind.Appliance]))));
        Assert.Equal([vpn.Id, harm.Id], await Ids(new AlertQuery(RoomId: room.Id)));
        Assert.Equal([appliance.Id, games.Id, extreme.Id], await Ids(new AlertQuery(NoRoom: true)));
        Assert.Equal([extreme.Id], await Ids(new AlertQuery(DeviceId: noRoom, Category: "extremism")));
        Assert.Equal([extreme.Id], await Ids(new AlertQuery(Acknowledged: true)));
        Assert.Equal([appliance.Id, games.Id, vpn.Id, harm.Id], await Ids(new AlertQuery(Acknowledged: false)));
        Assert.Equal([vpn.Id, extreme.Id], await Ids(new AlertQuery(From: t0.AddMinutes(-40), To: t0.AddMinutes(-20))));
        Assert.Empty(await Ids(new AlertQuery(Include: new AlertMatch([], []))));
        Assert.Equal(1, await store.Alerts.CountUnacknowledgedAsync(Danger, notAppliance, Token));
        Assert.Equal([vpn.Id, harm.Id], await Ids(new AlertQuery(RoomIds: [room.Id])));
        Assert.Empty(await Ids(new AlertQuery(RoomIds: [])));
        Assert.Equal(1, await store.Alerts.CountAsync(new AlertQuery(0, 1, Include: Danger, Exclude: notAppliance, RoomIds: [room.Id]), Token));
        Assert.Equal(5, await store.Alerts.CountAsync(new AlertQuery(0, 1), Token)); // the limit does not cap a count
        Assert.Equal([vpn.Id], (await store.Alerts.ListAsync(t0.AddHours(-1), t0, AlertKind.Circumvention, Token)).Select(a => a.Id));
        Assert.Empty(await store.Alerts.ListAsync(t0.AddMinutes(-29), t0, AlertKind.Circumvention, Token));
    }

    [Fact]
    public async Task QueryAsync_Pages_TotalAndOffsetsCoverEveryAlertOnce()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        for (var i = 0; i < 23; i++)
        {
            await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-i), "e", null, "self_harm", $"s{i}.example"), Token);
        }

        var seen = new List<long>();
        for (var offset = 0; offset < 30; offset += 10)
        {
            var page = await store.Alerts.QueryAsync(new AlertQuery(offset, 10), Token);
            Assert.Equal(23, page.Total);
            seen.AddRange(page.Items.Select(a => a.Id));
        }

        Assert.Equal(23, seen.Distinct().Count());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Alerts.QueryAsync(new AlertQuery(0, AlertRepository.MaxPageSize + 1), Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Alerts.QueryAsync(new AlertQuery(-1, 10), Token));
    }

    [Fact]
    public async Task AcknowledgeAsync_WithNote_KeptOnceAndRefusedAfterwards()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, context.Clock.Now, "e", null, "self_harm"), Token);

        Assert.Equal(AcknowledgeOutcome.Acknowledged, await store.Alerts.AcknowledgeAsync(alert.Id, dsl.Id, "  Spoke to the pupil and their tutor.  ", Token));
        Assert.Equal(AcknowledgeOutcome.AlreadyAcknowledged, await store.Alerts.AcknowledgeAsync(alert.Id, dsl.Id, "again", Token));
        Assert.Equal(AcknowledgeOutcome.NotFound, await store.Alerts.AcknowledgeAsync(alert.Id + 99, dsl.Id, "x", Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Alerts.AcknowledgeAsync(alert.Id, dsl.Id, "   ", Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Alerts.AcknowledgeAsync(alert.Id, dsl.Id, new string('x', AlertRepository.MaxNoteLength + 1), Token));

        var stored = (await store.Alerts.GetAsync(alert.Id, Token))!;
        Assert.Equal(("Spoke to the pupil and their tutor.", (long?)dsl.Id), (stored.AcknowledgedNote, stored.AcknowledgedBy));
    }

    [Fact]
    public async Task LinkIncidentAsync_Once_SecondLinkRefused()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var alert = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, context.Clock.Now, "e", null, "self_harm"), Token);
        var incident = await store.Incidents.RecordAsync(new NewIncident(dsl.Id, alert.At, "Raised from an alert", AlertId: alert.Id), Token);
        var other = await store.Incidents.RecordAsync(new NewIncident(dsl.Id, alert.At, "Raised from an alert"), Token);

        Assert.True(await store.Alerts.LinkIncidentAsync(alert.Id, incident.Id, Token));
        Assert.False(await store.Alerts.LinkIncidentAsync(alert.Id, other.Id, Token));
        Assert.False(await store.Alerts.LinkIncidentAsync(alert.Id + 99, other.Id, Token));
        Assert.Equal(incident.Id, (await store.Alerts.GetAsync(alert.Id, Token))!.IncidentId);
    }

    internal static async Task<long> DeviceAsync(StateStore store, DateTimeOffset at, string mac, long? roomId)
    {
        var id = await store.Devices.ObserveAsync(new DeviceObservation(at, DeviceSource.Sniffer, mac, null), Token);
        if (roomId is { } room)
        {
            Assert.True(await store.Devices.SetRoomAsync(id, room, Token));
        }

        return id;
    }
}
