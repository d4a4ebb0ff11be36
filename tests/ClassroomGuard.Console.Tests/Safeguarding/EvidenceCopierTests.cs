using ClassroomGuard.Console.Safeguarding.Incidents;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// The evidence copier against a real influxd (Debian's 1.6.7, started by the test support): points written by the
/// storage writer into a temporary database are copied into the incident as JSON rows, oldest first, for the window
/// around it; InfluxDB down leaves it pending and it completes once InfluxDB is back; an incident recorded after its
/// raw activity expired is 'unavailable'; the copy is bounded.
/// </summary>
public sealed class EvidenceCopierTests : IAsyncLifetime
{
    private static int databases;
    private InfluxdServer influxd = default!;

    public async Task InitializeAsync() => influxd = await InfluxdServer.StartNewAsync();

    [Fact]
    public async Task Copy_WindowEnded_DnsBlocksAndSitesOfThatDeviceInTheWindowOldestFirst()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(7));
        var (device, other, id) = await RaisedAsync(world, t0);
        await WriteAsync(world,
            w => w.CreatePoint("dns_activity").Tag("device", Id(device)).Tag("room", "1").Field("queries", 3L).Field("blocked", 1L).Field("top_domains", "www.bbc.co.uk=2,bad.example=1").Timestamp(t0.AddMinutes(-2)),
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("room", "1").Tag("n", "0").Field("domain", "bad.example").Field("category", "adult").Field("reason", "Category")
                .Field("rule", "list:bad.example").Field("count", 1L).Timestamp(t0.AddMinutes(-2)),
            w => w.CreatePoint("net_activity").Tag("device", Id(device)).Tag("room", "1").Field("bytes_in", 90000L).Field("bytes_out", 4000L).Field("top_sites", "docs.google.com=60000").Timestamp(t0.AddMinutes(-3)),
            w => w.CreatePoint("dns_activity").Tag("device", Id(device)).Tag("room", "1").Field("queries", 1L).Field("blocked", 0L).Field("top_domains", "later.example=1").Timestamp(t0.AddMinutes(4)),
            w => w.CreatePoint("dns_activity").Tag("device", Id(device)).Tag("room", "1").Field("queries", 1L).Field("blocked", 0L).Field("top_domains", "too-early.example=1").Timestamp(t0.AddMinutes(-11)),
            w => w.CreatePoint("dns_activity").Tag("device", Id(device)).Tag("room", "1").Field("queries", 1L).Field("blocked", 0L).Field("top_domains", "too-late.example=1").Timestamp(t0.AddMinutes(6)),
            w => w.CreatePoint("dns_activity").Tag("device", Id(other)).Tag("room", "1").Field("queries", 9L).Field("blocked", 0L).Field("top_domains", "other-device.example=9").Timestamp(t0));

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal(EvidenceState.Copied, evidence.State);
        Assert.Null(evidence.Note);
        Assert.Equal((t0.AddMinutes(-10), t0.AddMinutes(5)), (evidence.From, evidence.To));
        var rows = EvidenceRows.Parse(evidence.Rows)!;
        Assert.Equal([EvidenceRow.Net, EvidenceRow.Dns, EvidenceRow.Block, EvidenceRow.Dns], rows.Select(r => r.Kind));
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal((94000L, "docs.google.com"), (rows[0].Bytes!.Value, rows[0].Top![0].Name));
        Assert.Equal([new EvidenceName("www.bbc.co.uk", 2), new EvidenceName("bad.example", 1)], rows[1].Top!);
        Assert.Equal(("bad.example", "adult", "list:bad.example"), (rows[2].Domain, rows[2].Category, rows[2].Rule));
        Assert.Equal(t0.AddMinutes(-2).ToUnixTimeMilliseconds(), rows[2].At);
        Assert.DoesNotContain("too-", evidence.Rows, StringComparison.Ordinal);
        Assert.DoesNotContain("other-device", evidence.Rows, StringComparison.Ordinal);
        Assert.Empty(await world.Store.Incidents.PendingEvidenceAsync(10, IncidentWorld.Ct));
    }

    [Fact]
    public async Task Copy_WindowNotEnded_WhatExistsAtOnceStillPending_ThenCompleted()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(1));
        var (device, _, id) = await RaisedAsync(world, t0);
        await WriteAsync(world,
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "first.example").Field("category", "adult").Field("rule", "list:first.example").Timestamp(t0.AddSeconds(-30)),
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "second.example").Field("category", "adult").Field("rule", "list:second.example").Timestamp(t0.AddMinutes(3)));

        Assert.Equal(0, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var early = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        world.Clock.Now = t0.AddMinutes(5) + EvidenceCopier.FlushMargin;
        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var done = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;

        Assert.Equal(EvidenceState.Pending, early.State);
        Assert.Equal(["first.example"], EvidenceRows.Parse(early.Rows)!.Select(r => r.Domain));
        Assert.Equal(EvidenceState.Copied, done.State);
        Assert.Equal(["first.example", "second.example"], EvidenceRows.Parse(done.Rows)!.Select(r => r.Domain));
    }

    [Fact]
    public async Task Copy_InfluxDown_PendingWithANote_ThenCopiedWhenItIsBack()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(7));
        var (device, _, id) = await RaisedAsync(world, t0);
        await WriteAsync(world,
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "kept.example").Field("category", "adult").Field("rule", "list:kept.example").Timestamp(t0));
        await influxd.StopAsync();

        Assert.Equal(0, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var waiting = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        await influxd.StartAsync();
        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var copied = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;

        Assert.Equal(EvidenceState.Pending, waiting.State);
        Assert.Contains("InfluxDB did not answer", waiting.Note, StringComparison.Ordinal);
        Assert.Equal(EvidenceState.Copied, copied.State);
        Assert.Null(copied.Note);
        Assert.Equal("kept.example", Assert.Single(EvidenceRows.Parse(copied.Rows)!).Domain);
    }

    [Fact]
    public async Task Copy_RecordedAfterTheRawActivityExpired_UnavailableWithTheReason()
    {
        var occurred = DateTimeOffset.UtcNow.AddDays(-8);
        await using var world = await WorldAsync(DateTimeOffset.UtcNow);
        var (_, _, id) = await RaisedAsync(world, occurred);

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal((EvidenceState.Unavailable, "[]"), (evidence.State, evidence.Rows));
        Assert.Contains("kept for 7 days", evidence.Note, StringComparison.Ordinal);
        Assert.Contains("recorded 8 days after it happened", evidence.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_NothingInTheWindow_CopiedWithNoRows()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(7));
        var (_, _, id) = await RaisedAsync(world, t0);

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal((EvidenceState.Copied, "[]", (string?)null), (evidence.State, evidence.Rows, evidence.Note));
    }

    [Fact]
    public async Task Copy_MoreRowsThanTheLimit_FirstRowsKeptAndTheCopySaysSo()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(7), o => o.EvidenceMaxRows = 100);
        var (device, _, id) = await RaisedAsync(world, t0);
        await WriteAsync(world, [.. Enumerable.Range(0, 150).Select(i => (Func<InfluxWriter, PointBuilder>)(w => w.CreatePoint("dns_activity").Tag("device", Id(device))
            .Field("queries", 1L).Field("blocked", 0L).Field("top_domains", $"n{i}.example=1").Timestamp(t0.AddSeconds(i))))]);

        await world.Copier.CopyOnceAsync(IncidentWorld.Ct);

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        var rows = EvidenceRows.Parse(evidence.Rows)!;
        Assert.Equal(EvidenceState.Copied, evidence.State);
        Assert.Equal(100, rows.Count);
        Assert.Equal("n0.example", rows[0].Top![0].Name);
        Assert.Contains("Only the first 100 rows", evidence.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_RawActivityExpiredBeforeTheCopyCompleted_WhatWasCopiedAtTheRaiseIsKept()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(1));
        var (device, _, id) = await RaisedAsync(world, t0);
        await WriteAsync(world,
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "copied-at-raise.example").Field("category", "adult").Field("rule", "list:x").Timestamp(t0.AddSeconds(-30)));
        Assert.Equal(0, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        world.Clock.Now = t0.AddDays(8); // e.g. raised at the end of term, the appliance off for the holiday
        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal(EvidenceState.Copied, evidence.State);
        Assert.Equal("copied-at-raise.example", Assert.Single(EvidenceRows.Parse(evidence.Rows)!).Domain);
        Assert.Contains("partial", evidence.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_WindowPartlyExpiredWhenCompleted_RowsCopiedEarlierFromTheExpiredPartAreKept()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(1));
        var (device, _, id) = await RaisedAsync(world, t0);
        await WriteAsync(world,
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "early.example").Field("category", "adult").Field("rule", "list:early.example").Timestamp(t0.AddMinutes(-5)),
            w => w.CreatePoint("dns_blocks").Tag("device", Id(device)).Tag("n", "0").Field("domain", "late.example").Field("category", "adult").Field("rule", "list:late.example").Timestamp(t0.AddMinutes(3)));
        Assert.Equal(0, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        world.InfluxOptions.RawRetention = TimeSpan.FromMinutes(8); // at t0+7 the first minutes of the window, and early.example, have expired
        world.Clock.Now = t0.AddMinutes(6) + EvidenceCopier.FlushMargin;
        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal(EvidenceState.Copied, evidence.State);
        Assert.Equal(["early.example", "late.example"], EvidenceRows.Parse(evidence.Rows)!.Select(r => r.Domain));
        Assert.Contains("what was copied of it earlier is kept", evidence.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_RecordedAtOnceButNeverCopiedBeforeItExpired_UnavailableWithoutSayingItWasRecordedLate()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(1));
        var (_, _, id) = await RaisedAsync(world, t0);
        world.Clock.Now = t0.AddDays(8);

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal((EvidenceState.Unavailable, "[]"), (evidence.State, evidence.Rows));
        Assert.DoesNotContain("recorded", evidence.Note, StringComparison.Ordinal);
        Assert.Contains("deleted before it could be copied", evidence.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_InfluxRefusesOneIncidentsQuery_TheOthersAreCopied_ItIsGivenUpAfterTheTries()
    {
        await using var limited = await InfluxdServer.StartNewAsync(maxSelectSeries: 1); // a device that changed rooms in the window has two series
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(limited, t0.AddMinutes(7));
        var (busy, quiet, busyIncident) = await RaisedAsync(world, t0); // the busy device's incident is first in the queue
        var teacher = await world.UserAsync("q" + Guid.NewGuid().ToString("N")[..6], Role.Teacher);
        var quietIncident = (await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0, "reported", quiet), IncidentWorld.Ct)).Id;
        await WriteAsync(world, [
            .. Enumerable.Range(0, 4).Select(i => (Func<InfluxWriter, PointBuilder>)(w => w.CreatePoint("dns_activity").Tag("device", Id(busy)).Tag("room", i % 2 == 0 ? "1" : "2")
                .Field("queries", 1L).Field("blocked", 0L).Field("top_domains", $"n{i}.example=1").Timestamp(t0.AddMinutes(-5).AddSeconds(i)))),
            w => w.CreatePoint("dns_blocks").Tag("device", Id(quiet)).Tag("n", "0").Field("domain", "quiet.example").Field("category", "adult").Field("rule", "list:quiet.example").Timestamp(t0)]);

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var refused = (await world.Store.Incidents.EvidenceAsync(busyIncident, IncidentWorld.Ct))!;
        var copied = (await world.Store.Incidents.EvidenceAsync(quietIncident, IncidentWorld.Ct))!;
        for (var pass = 2; pass < EvidenceCopier.MaxRefusals; pass++)
        {
            Assert.Equal(0, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        }

        var beforeLast = (await world.Store.Incidents.EvidenceAsync(busyIncident, IncidentWorld.Ct))!;
        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));
        var givenUp = (await world.Store.Incidents.EvidenceAsync(busyIncident, IncidentWorld.Ct))!;

        Assert.Equal((EvidenceState.Copied, "quiet.example"), (copied.State, Assert.Single(EvidenceRows.Parse(copied.Rows)!).Domain));
        Assert.Equal(EvidenceState.Pending, refused.State);
        Assert.Contains("InfluxDB refused", refused.Note, StringComparison.Ordinal);
        Assert.DoesNotContain("did not answer", refused.Note, StringComparison.Ordinal);
        Assert.Equal(EvidenceState.Pending, beforeLast.State);
        Assert.Equal(EvidenceState.Unavailable, givenUp.State);
        Assert.Contains("given up", givenUp.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_BlocksRecordedUnderAnAddressTheDeviceHeld_AreInItsEvidence()
    {
        var t0 = Second(DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var world = await WorldAsync(t0.AddMinutes(7));
        var room = await world.RoomAsync("Lab " + Guid.NewGuid().ToString("N")[..4]);
        var teacher = await world.UserAsync("t" + Guid.NewGuid().ToString("N")[..6], Role.Teacher);
        var device = await world.Store.Devices.ObserveAsync(new DeviceObservation(t0.AddMinutes(-30), DeviceSource.Agent, "02:00:00:00:02:01", "10.20.0.41", "LAB-PC9"), IncidentWorld.Ct);
        await world.Store.Devices.SetRoomAsync(device, room.Id, IncidentWorld.Ct);
        var id = (await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, t0, "reported", device), IncidentWorld.Ct)).Id;
        await WriteAsync(world,
            w => w.CreatePoint("dns_blocks").Tag("device", "").Tag("room", "").Tag("client", "10.20.0.41").Tag("n", "0").Field("domain", "by-address.example")
                .Field("category", "adult").Field("rule", "list:by-address.example").Timestamp(t0.AddMinutes(-1)),
            w => w.CreatePoint("dns_blocks").Tag("device", "").Tag("room", "").Tag("client", "10.20.0.99").Tag("n", "0").Field("domain", "someone-else.example")
                .Field("category", "adult").Field("rule", "list:someone-else.example").Timestamp(t0.AddMinutes(-1)));

        Assert.Equal(1, await world.Copier.CopyOnceAsync(IncidentWorld.Ct));

        var evidence = (await world.Store.Incidents.EvidenceAsync(id, IncidentWorld.Ct))!;
        Assert.Equal("by-address.example", Assert.Single(EvidenceRows.Parse(evidence.Rows)!).Domain);
    }

    private async Task<IncidentWorld> WorldAsync(DateTimeOffset now, Action<IncidentOptions>? configure = null) => await WorldAsync(influxd, now, configure);

    private static async Task<IncidentWorld> WorldAsync(InfluxdServer server, DateTimeOffset now, Action<IncidentOptions>? configure = null)
    {
        var database = $"evidence_{Interlocked.Increment(ref databases)}";
        await server.QueryRawAsync($"CREATE DATABASE {database} WITH DURATION 7d REPLICATION 1 NAME raw");
        return new IncidentWorld(now, server.Url, database, configure);
    }

    private static async Task<(long Device, long Other, long Incident)> RaisedAsync(IncidentWorld world, DateTimeOffset occurred)
    {
        var room = await world.RoomAsync("Lab " + Guid.NewGuid().ToString("N")[..4]);
        var teacher = await world.UserAsync("t" + Guid.NewGuid().ToString("N")[..6], Role.Teacher);
        var device = await world.DeviceAsync(room, "LAB-PC1", "02:00:00:00:01:01");
        var other = await world.DeviceAsync(room, "LAB-PC2", "02:00:00:00:01:02");
        var incident = await world.Store.Incidents.RecordAsync(new NewIncident(teacher.Id, occurred, "reported", device), IncidentWorld.Ct);
        return (device, other, incident.Id);
    }

    /// <summary>Writes points with the storage's own writer into the world's database and waits until they are stored.</summary>
    private static async Task WriteAsync(IncidentWorld world, params Func<InfluxWriter, PointBuilder>[] points)
    {
        var options = world.InfluxOptions;
        using var connection = new InfluxConnection(Microsoft.Extensions.Options.Options.Create(options));
        await using var writer = new InfluxWriter(connection, Microsoft.Extensions.Options.Options.Create(options), NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);
        foreach (var point in points)
        {
            Assert.True(writer.TryWrite(point(writer)));
        }

        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(points.Length, writer.GetStatistics().PointsWritten);
    }

    private static string Id(long device) => device.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Second(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    public async Task DisposeAsync() => await influxd.DisposeAsync();
}
