using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

public sealed class InfluxOptionsTests
{
    private static List<ValidationResult> Validate(InfluxOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Validate_Defaults_Valid() => Assert.Empty(Validate(new InfluxOptions()));

    public static TheoryData<string, Action<InfluxOptions>, string> Invalid => new()
    {
        { "relative url", o => o.Url = new Uri("influx/8086", UriKind.Relative), "Url" },
        { "ftp url", o => o.Url = new Uri("ftp://127.0.0.1/"), "Url" },
        { "url with credentials", o => o.Url = new Uri("http://u:p@127.0.0.1:8086"), "Url" },
        { "database with space", o => o.Database = "class room", "Database" },
        { "batch 0", o => o.BatchSize = 0, "BatchSize" },
        { "buffer below batch", o => { o.BatchSize = 5000; o.MaxBufferedPoints = 10; }, "MaxBufferedPoints" },
        { "user without password", o => o.Username = "admin", "Password" },
        { "relative spool", o => o.SpoolDirectory = "spool", "SpoolDirectory" },
        { "tiny spool", o => o.SpoolMaxBytes = 1000, "SpoolMaxBytes" },
        { "flush 0", o => o.FlushInterval = TimeSpan.Zero, "FlushInterval" },
        { "retry max below base", o => { o.RetryBaseDelay = TimeSpan.FromSeconds(10); o.RetryMaxDelay = TimeSpan.FromSeconds(1); }, "RetryMaxDelay" },
        { "raw retention 1 min", o => o.RawRetention = TimeSpan.FromMinutes(1), "RawRetention" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadSetting_MessageNamesSetting(string because, Action<InfluxOptions> change, string setting)
    {
        var options = new InfluxOptions();
        change(options);

        var results = Validate(options);

        Assert.True(results.Count > 0, because);
        Assert.Contains(results, r => r.MemberNames.Contains(setting) || r.ErrorMessage!.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_WithSecrets_NeverShowsThem()
    {
        var options = new InfluxOptions { Username = "admin", Password = "s3cret-pass", Token = "tok-123456" };

        var text = options.ToString();

        Assert.DoesNotContain("s3cret-pass", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123456", text, StringComparison.Ordinal);
        Assert.Contains("Auth=token", text, StringComparison.Ordinal);
    }
}
