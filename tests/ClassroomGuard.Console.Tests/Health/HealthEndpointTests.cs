using System.Net;
using System.Text.Json;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_StateAndInfluxUp_IsHealthy()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        await using var factory = new ConsoleFactory(influxd.Url);
        using var client = factory.CreateClient();

        var (status, body) = await GetHealthAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("state").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("timeseries").GetString());
    }

    [Fact]
    public async Task Healthz_InfluxUnreachable_IsDegradedButStillOk()
    {
        // A loopback port nobody listens on: the console must keep serving and say Degraded.
        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"));
        using var client = factory.CreateClient();

        var (status, body) = await GetHealthAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("timeseries").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Healthz_DoesNotRevealAddressesOrCauses()
    {
        var deadPort = InfluxdServer.FreePort();
        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{deadPort}"));
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync(new Uri("/healthz", UriKind.Relative));

        Assert.DoesNotContain(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.StatePath, text, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
