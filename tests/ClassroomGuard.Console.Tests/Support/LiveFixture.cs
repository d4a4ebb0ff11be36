using System.Globalization;
using System.Text;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>
/// A real influxd and one console using it, shared by a test class. The console provisions the database itself (as
/// on the appliance); <see cref="WriteAsync"/> writes line protocol straight to influxd, as the DNS filter and the
/// sniffer do.
/// </summary>
public sealed class LiveFixture : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private InfluxdServer? influxd;
    private ConsoleFactory? factory;

    internal ConsoleFactory Factory => factory ?? throw new InvalidOperationException("not started");

    internal InfluxdServer Influxd => influxd ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        influxd = await InfluxdServer.StartNewAsync();
        factory = new ConsoleFactory(influxd.Url);
        _ = factory.Server; // starts the console, whose provisioning creates the database and the raw policy
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ProvisionedAsync(influxd))
        {
            Assert.True(DateTime.UtcNow < deadline, "the console did not provision InfluxDB within 30 s");
            await Task.Delay(50);
        }
    }

    private static async Task<bool> ProvisionedAsync(InfluxdServer server)
    {
        try
        {
            return (await server.QueryRawAsync("SHOW RETENTION POLICIES ON classroomguard")).Contains("\"raw\"", StringComparison.Ordinal);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("database not found", StringComparison.Ordinal))
        {
            return false; // provisioning has not created it yet
        }
    }

    /// <summary>Writes points (line protocol, nanosecond timestamps) into the raw policy.</summary>
    public async Task WriteAsync(params string[] lines)
    {
        using var content = new StringContent(string.Join('\n', lines), Encoding.UTF8);
        using var response = await Http.PostAsync(new Uri(Influxd.Url, "write?db=classroomguard&rp=raw"), content);
        Assert.True(response.IsSuccessStatusCode, $"write answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A room with devices (hostname PC-n, MAC from the index), each assigned to it; returns the room and device ids.</summary>
    public async Task<(Room Room, long[] Devices)> RoomAsync(string name, int devices, string? pupil = null)
    {
        var store = ConsoleSession.Store(Factory);
        var site = (await store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var room = await store.Sites.CreateRoomAsync(site.Id, name, CancellationToken.None);
        var ids = new long[devices];
        for (var i = 0; i < devices; i++)
        {
            var mac = string.Create(CultureInfo.InvariantCulture, $"02:00:{room.Id % 256:x2}:00:{i / 256:x2}:{i % 256:x2}");
            ids[i] = await store.Devices.ObserveAsync(
                new DeviceObservation(DateTimeOffset.UtcNow.AddHours(-1), DeviceSource.Manual, mac, null, $"{name}-PC{i + 1}", i == 0 ? pupil : null), CancellationToken.None);
            await store.Devices.SetRoomAsync(ids[i], room.Id, CancellationToken.None);
        }

        return (room, ids);
    }

    public static string Ns(DateTimeOffset at) => ((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        if (influxd is not null)
        {
            await influxd.DisposeAsync();
        }
    }
}
