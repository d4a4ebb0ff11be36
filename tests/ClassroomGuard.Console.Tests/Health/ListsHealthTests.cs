using System.Net;
using System.Text.Json;
using ClassroomGuard.Console.Tests.Policy.Why;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Health;

/// <summary>
/// /healthz's "lists" check against a control socket at the place the console looks for it (beside the state database),
/// answered by <see cref="FakeDnsFilterControl"/>: degraded while required lists are missing or the last download failed,
/// healthy when they are in force, degraded when the socket is there but nothing answers. (Without a socket at all, the
/// existing health tests show it healthy: the console alone has no filter to ask.)
/// </summary>
public sealed class ListsHealthTests
{
    [Fact]
    public async Task Healthz_RequiredListsMissing_ListsDegraded_StillOk()
    {
        await using var factory = new ConsoleFactory(DeadInflux());
        await using var filter = FakeDnsFilterControl.Replying(SocketOf(factory), Reply(new ListsHealth("UT1 copy installed by set-up", ["UT1 adult", "UT1 malware", "UT1 phishing"], null, [])));
        using var client = factory.CreateClient();

        var (status, body) = await GetHealthAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("lists").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("state").GetString());
        Assert.Equal(ControlRequestKind.Lists, Assert.Single(filter.Requests).Kind);
    }

    [Fact]
    public async Task Healthz_LastDownloadFailed_ListsDegraded()
    {
        await using var factory = new ConsoleFactory(DeadInflux());
        var refresh = new ListRefreshInfo("https://lists.example.org/blacklists.tar.gz", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(-3), "checksum mismatch", DateTimeOffset.UtcNow.AddDays(1), false);
        await using var filter = FakeDnsFilterControl.Replying(SocketOf(factory), Reply(new ListsHealth("UT1 of 6 December 2026", [], refresh, [])));
        using var client = factory.CreateClient();

        var (_, body) = await GetHealthAsync(client);

        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("lists").GetString());
    }

    [Fact]
    public async Task Healthz_ListsInForce_ListsHealthy_AndTheCauseIsNotRevealed()
    {
        await using var factory = new ConsoleFactory(DeadInflux());
        var refresh = new ListRefreshInfo("https://lists.example.org/blacklists.tar.gz", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow.AddDays(1), false);
        await using var filter = FakeDnsFilterControl.Replying(SocketOf(factory), Reply(new ListsHealth("UT1 of 6 December 2026", [], refresh, [])));
        using var client = factory.CreateClient();

        var (_, body) = await GetHealthAsync(client);

        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("lists").GetString());
        Assert.DoesNotContain("lists.example.org", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_SocketThereButNotAnswering_ListsDegraded()
    {
        await using var factory = new ConsoleFactory(DeadInflux());
        await using var filter = new FakeDnsFilterControl(SocketOf(factory), _ => "not a reply"u8.ToArray());
        using var client = factory.CreateClient();

        var (status, body) = await GetHealthAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("lists").GetString());
    }

    [Fact]
    public async Task Healthz_NoSocket_ListsHealthy()
    {
        await using var factory = new ConsoleFactory(DeadInflux());
        using var client = factory.CreateClient();

        var (_, body) = await GetHealthAsync(client);

        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("lists").GetString());
    }

    private static Uri DeadInflux() => new($"http://127.0.0.1:{InfluxdServer.FreePort()}");

    private static string SocketOf(ConsoleFactory factory) => Path.Combine(Path.GetDirectoryName(factory.StatePath)!, DnsFilterControl.DefaultFileName);

    private static ControlReply Reply(ListsHealth health) => new(Lists: new ListsReply(DateTimeOffset.UtcNow, false, 0, [], [], 1, health));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
