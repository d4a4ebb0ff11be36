using System.Globalization;
using System.Net;
using System.Text.Json;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Health;

/// <summary>
/// /healthz's "upstreams" check with the console's settings naming real resolvers on loopback (a real unbound, and
/// ports nobody listens on), as the appliance's settings name the DNS filter's upstreams: Healthy while all answer,
/// Degraded (still 200) when one does not, Unhealthy (503) when none does.
/// </summary>
public sealed class UpstreamsHealthTests(UnboundFixture unbound) : IClassFixture<UnboundFixture>
{
    [Fact]
    public async Task Healthz_EveryUpstreamAnswers_Healthy()
    {
        var (status, body) = await HealthAsync(unbound.Upstream);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Check(body));
    }

    [Fact]
    public async Task Healthz_OneOfTwoDead_DegradedButStillOk_AndNoAddressRevealed()
    {
        var dead = Dead();
        var (status, body) = await HealthAsync(unbound.Upstream, dead);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", Check(body));
        Assert.DoesNotContain(dead, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_NoneAnswers_UnhealthyAnd503()
    {
        var (status, body) = await HealthAsync(Dead(), Dead());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Check(body));
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_UpstreamRefusesTheDefaultName_Unhealthy()
    {
        // No probe name set: the root, which this unbound refuses (it serves only its test zones).
        var (status, body) = await NamedHealthAsync(name: null, [unbound.Upstream]);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Check(body));
    }

    [Fact]
    public async Task Healthz_NoUpstreamsInTheSettings_Healthy()
    {
        var (status, body) = await HealthAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Check(body));
    }

    private static string Dead() => "127.0.0.1:" + FreePort.Dead().ToString(CultureInfo.InvariantCulture);

    private static string? Check(JsonElement body) => body.GetProperty("checks").GetProperty("upstreams").GetString();

    private static Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(params string[] upstreams) => NamedHealthAsync("a.test", upstreams);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> NamedHealthAsync(string? name, string[] upstreams)
    {
        var settings = upstreams.Select((u, i) => KeyValuePair.Create("Dns:Upstreams:" + i.ToString(CultureInfo.InvariantCulture), u)).ToDictionary();
        settings["Dns:UpstreamProbe:Timeout"] = "00:00:00.500";
        if (name is not null)
        {
            settings["Dns:UpstreamProbe:Name"] = name;
        }

        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}")) { Settings = settings };
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
