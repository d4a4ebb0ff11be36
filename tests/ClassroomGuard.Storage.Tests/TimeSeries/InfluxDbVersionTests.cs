using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using NotFoundException = InfluxDB.Client.Core.Exceptions.NotFoundException;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>
/// Why the appliance reaches InfluxDB through its own 1.x client and not the official InfluxDB.Client (issue #16): that
/// client speaks the v2 API (<c>/api/v2/write</c>, Flux), which the only InfluxDB these machines run — Debian's 1.6.7 —
/// does not serve, not even through the client's "1.8 compatibility" constructor. And the other side of the decision:
/// a server that says it is not 1.x is refused at start rather than half-used.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class InfluxDbVersionTests(InfluxdFixture influxd)
{
    [Fact]
    public async Task OfficialV2Client_AgainstInfluxDb1_AnswersPingButCannotWrite()
    {
        await using var ours = new InfluxTestClient(influxd.Server.Url, influxd.NewDatabase("v2client"));
        await ours.Provisioner.ProvisionAsync(CancellationToken.None);
        using var official = new InfluxDBClient(influxd.Server.Url.ToString(), "", "", ours.Options.Database, InfluxOptions.RawPolicyName);

        Assert.True(await official.PingAsync());
        await Assert.ThrowsAsync<NotFoundException>(() =>
            official.GetWriteApiAsync().WriteRecordAsync("probe value=1i", WritePrecision.Ns, ours.Options.Database + "/" + InfluxOptions.RawPolicyName, "-"));

        var nothing = await ours.Reader.QueryAsync("SELECT * FROM probe", CancellationToken.None);
        Assert.Empty(nothing.Series);
    }

    [Fact]
    public async Task OurClient_AgainstInfluxDb1_ProvisionsWritesAndReadsBack()
    {
        await using var ours = new InfluxTestClient(influxd.Server.Url, influxd.NewDatabase("v1client"));

        var version = await ours.Provisioner.ProvisionAsync(CancellationToken.None);
        await ours.Writer.StartAsync(CancellationToken.None);
        Assert.True(ours.Writer.TryWrite(ours.Writer.CreatePoint("probe").Tag("room", "B12").Field("value", 7L).Timestamp(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60))));
        await ours.Writer.FlushAsync(CancellationToken.None);

        Assert.StartsWith("1.", version, StringComparison.Ordinal);
        var series = Assert.Single((await ours.Reader.QueryAsync("SELECT value FROM probe", CancellationToken.None)).Series);
        Assert.Equal(7L, series.Rows.Single()[1].AsInt64());
    }

    [Theory]
    [InlineData("v2.7.11")]
    [InlineData("2.7.11")]
    [InlineData("3.0.3")]
    public async Task Provision_ServerOfAnotherMajorVersion_RefusedNamingVersionAndSetting(string reported)
    {
        await using var server = new FakeInfluxServer { ReportedVersion = reported };
        await using var ours = new InfluxTestClient(server.Url, "classroomguard");

        var error = await Assert.ThrowsAsync<InfluxException>(() => ours.Provisioner.ProvisionAsync(CancellationToken.None));

        Assert.Contains("version " + reported, error.Message, StringComparison.Ordinal);
        Assert.Contains("Influx:Url", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Writes);
    }

    [Fact]
    public void Validate_Token_RefusedNamingTheSetting()
    {
        var options = new InfluxOptions { Token = "tok-123456" };

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        var refusal = Assert.Single(results, r => r.MemberNames.Contains(nameof(InfluxOptions.Token)));
        Assert.Contains("Influx:Token", refusal.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123456", refusal.ErrorMessage, StringComparison.Ordinal);
    }
}
