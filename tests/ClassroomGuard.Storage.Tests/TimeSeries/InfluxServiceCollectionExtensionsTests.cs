using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

[Collection(InfluxdCollection.Name)]
public sealed class InfluxServiceCollectionExtensionsTests(InfluxdFixture influxd)
{
    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddInfluxTimeSeries();
        return builder.Build();
    }

    [Fact]
    public async Task AddInfluxTimeSeries_BadUrl_StartFailsNamingSetting()
    {
        using var host = BuildHost(new() { ["Influx:Url"] = "ftp://example.invalid/", ["Influx:SpoolDirectory"] = "/tmp/cg-unused" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Influx:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddInfluxTimeSeries_RealServer_ProvisionsAndWritesThroughHost()
    {
        var database = influxd.NewDatabase("di");
        var spool = Path.Combine(Path.GetTempPath(), "cg-spool-" + Guid.NewGuid().ToString("N")[..12]);
        using var host = BuildHost(new()
        {
            ["Influx:Url"] = influxd.Server.Url.ToString(),
            ["Influx:Database"] = database,
            ["Influx:SpoolDirectory"] = spool,
            ["Influx:FlushInterval"] = "00:00:00.050",
        });
        await host.StartAsync();
        var reader = host.Services.GetRequiredService<InfluxReader>();
        await InfluxTestClient.WaitUntilAsync(
            async () =>
            {
                try
                {
                    var policies = (await reader.QueryAsync("SHOW RETENTION POLICIES", CancellationToken.None)).Series.Single();
                    return policies.Rows.Any(row => row[0].AsString() == "rollup_1h");
                }
                catch (InfluxQueryException)
                {
                    return false; // database not created yet
                }
            },
            "provisioned");

        var writer = host.Services.GetRequiredService<InfluxWriter>();
        Assert.True(writer.TryWrite(writer.CreatePoint("dns_activity").Tag("device", "d1").Field("queries", 3L)));
        await host.StopAsync();

        var result = await reader.QueryAsync("SELECT \"queries\" FROM \"raw\".\"dns_activity\"", CancellationToken.None);
        Assert.Equal(3, result.Series.Single().Rows.Single()[1].AsInt64());
        Directory.Delete(spool, recursive: true);
    }

    [Fact]
    public async Task AddInfluxTimeSeries_ServerDownAtStart_HostStartsAndSpools()
    {
        var spool = Path.Combine(Path.GetTempPath(), "cg-spool-" + Guid.NewGuid().ToString("N")[..12]);
        using var host = BuildHost(new()
        {
            ["Influx:Url"] = $"http://127.0.0.1:{InfluxdServer.FreePort()}",
            ["Influx:SpoolDirectory"] = spool,
            ["Influx:MaxRetries"] = "0",
        });

        await host.StartAsync();
        var writer = host.Services.GetRequiredService<InfluxWriter>();
        Assert.True(writer.TryWrite(writer.CreatePoint("dns_activity").Field("queries", 1L)));
        await host.StopAsync();

        Assert.Equal(1, writer.GetStatistics().SpoolPoints);
        Directory.Delete(spool, recursive: true);
    }
}
