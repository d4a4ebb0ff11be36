using ClassroomGuard.Console.Components.Pages.Reports.Weekly;
using ClassroomGuard.Console.Reports.Weekly;

namespace ClassroomGuard.Console.Tests.Components.Reports;

/// <summary>The weekly report's words: bytes in human units, changes as sentences, health in plain words.</summary>
public sealed class WeeklyReportTextTests
{
    [Theory]
    [InlineData(0L, "0 bytes")]
    [InlineData(1L, "1 byte")]
    [InlineData(1023L, "1023 bytes")]
    [InlineData(1024L, "1.0 KB")]
    [InlineData(1536L, "1.5 KB")]
    [InlineData(1_048_575L, "1.0 MB")]
    [InlineData(20_971_520L, "20.0 MB")]
    [InlineData(1_288_490_189L, "1.2 GB")]
    [InlineData(5_368_709_120L, "5.0 GB")]
    [InlineData(3_738_339_534_848L, "3.4 TB")]
    [InlineData(-1536L, "-1.5 KB")]
    [InlineData(long.MaxValue, "8192.0 PB")]
    public void Bytes_Value_IsWrittenInHumanUnitsWithOneDecimal(long bytes, string expected)
        => Assert.Equal(expected, WeeklyReportText.Bytes(bytes));

    [Theory]
    [InlineData(142L, 130L, "12 more than the week before")]
    [InlineData(130L, 142L, "12 fewer than the week before")]
    [InlineData(5L, 5L, "the same as the week before")]
    [InlineData(1_234_567L, 0L, "1,234,567 more than the week before")]
    public void Change_Figure_IsASentence(long now, long before, string expected)
        => Assert.Equal(expected, WeeklyReportText.Change(new Compared(now, before)));

    [Fact]
    public void BytesChange_MoreAndLess_AreWrittenInUnits()
    {
        Assert.Equal("1.0 GB more than the week before", WeeklyReportText.BytesChange(new Compared(5_368_709_120, 4_294_967_296)));
        Assert.Equal("512.0 MB less than the week before", WeeklyReportText.BytesChange(new Compared(536_870_912, 1_073_741_824)));
    }

    [Theory]
    [InlineData(0.4, "less than a minute")]
    [InlineData(45.0, "45 min")]
    [InlineData(200.0, "3 h 20 min")]
    [InlineData(120.0, "2 h")]
    [InlineData(1500.0, "1 day 1 h")]
    [InlineData(10080.0, "7 days")]
    public void Duration_Minutes_AreWrittenShort(double minutes, string expected)
        => Assert.Equal(expected, WeeklyReportText.Duration(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Uptime_DnsFilterAllWeek_SaysItAnsweredAllWeek()
    {
        var sentence = WeeklyReportText.Uptime(new ComponentHealth("dnsfilter", "DNS filter", 100, 99.5, 0, 0, 0), TimeSpan.FromDays(7));
        Assert.Equal("The DNS filter answered all week (the week before 99.5%).", sentence);
    }

    [Fact]
    public void Uptime_SnifferMissing200Minutes_SaysForHowLong()
    {
        var uptime = 100.0 * (1 - 200.0 / (7 * 24 * 60));
        var sentence = WeeklyReportText.Uptime(new ComponentHealth("sniffer", "Sniffer", uptime, 100, 0, 0, 0), TimeSpan.FromDays(7));
        Assert.Equal("The sniffer was not running for 3 h 20 min (up 98.0% of the week; the week before 100.0%).", sentence);
    }

    [Fact]
    public void Uptime_NeverReported_SaysSo()
        => Assert.StartsWith("The sniffer did not report at all this week", WeeklyReportText.Uptime(new ComponentHealth("sniffer", "Sniffer", 0, 100, 0, 0, 0), TimeSpan.FromDays(7)), StringComparison.Ordinal);

    [Fact]
    public void Losses_DropsLostAndSpool_AreSentences()
    {
        var lines = WeeklyReportText.Losses(new ComponentHealth("sniffer", "Sniffer", 100, 100, 1_204, 1, 3_000));
        Assert.Equal(3, lines.Count);
        Assert.Contains("1,204 packets", lines[0], StringComparison.Ordinal);
        Assert.Contains("lost 1 measurement ", lines[1], StringComparison.Ordinal);
        Assert.Equal("While InfluxDB could not be reached, the sniffer had on average up to 3,000 measurements an hour waiting to be written; they are written once it answers.", lines[2]);
        Assert.DoesNotContain(lines, l => l.Contains("spool", StringComparison.OrdinalIgnoreCase));
        var exact = new ComponentHealth("sniffer", "Sniffer", 100, 100, 0, 0, 2_000, PeakSpoolExact: true);
        Assert.Equal("While InfluxDB could not be reached, at most 2,000 measurements of the sniffer waited to be written; they are written once it answers.", WeeklyReportText.Losses(exact)[1]);
        Assert.Equal("2,000", WeeklyReportText.Waiting(exact));
        Assert.Equal("3,000 (hourly average)", WeeklyReportText.Waiting(new ComponentHealth("sniffer", "Sniffer", 100, 100, 0, 0, 3_000)));
        Assert.Equal(["The capture of the sniffer dropped no packets."], WeeklyReportText.Losses(new ComponentHealth("sniffer", "Sniffer", 100, 100, 0, 0, 0)));
        Assert.Empty(WeeklyReportText.Losses(new ComponentHealth("dnsfilter", "DNS filter", 100, 100, 0, 0, 0)));
    }

    [Fact]
    public void Signed_Changes_CarryTheirSign()
    {
        Assert.Equal("+1,200", WeeklyReportText.Signed(1200));
        Assert.Equal("−3", WeeklyReportText.Signed(-3));
        Assert.Equal("0", WeeklyReportText.Signed(0));
    }
}
