using ClassroomGuard.Console.Reports;

namespace ClassroomGuard.Console.Tests.Reports;

/// <summary>ISO weeks as people type them, and report periods on the school's calendar.</summary>
public sealed class ReportPeriodTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Theory]
    [InlineData("2026-W49", 2026, 49)]
    [InlineData("2026-w49", 2026, 49)]
    [InlineData("2026W49", 2026, 49)]
    [InlineData(" 2026-W01 ", 2026, 1)]
    [InlineData("2026-W1", 2026, 1)]
    [InlineData("2026-W53", 2026, 53)] // 2026 has 53 ISO weeks (it starts on a Thursday)
    public void TryParse_WellFormed_Read(string text, int year, int week)
    {
        Assert.True(IsoWeek.TryParse(text, out var parsed, out _));
        Assert.Equal(new IsoWeek(year, week), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("49")]
    [InlineData("2026-49")]
    [InlineData("2026-W")]
    [InlineData("2026-W049")]
    [InlineData("2026--W49")]
    [InlineData("+026-W49")]
    [InlineData("2026-W+9")]
    [InlineData("2026-W4\0")]
    [InlineData("2026-W٤٩")] // Arabic-Indic digits
    [InlineData("2026-W49; rm -rf /")]
    [InlineData("２０２６-W49")] // full-width digits
    public void TryParse_Malformed_RefusedWithTheExpectedForm(string? text)
    {
        Assert.False(IsoWeek.TryParse(text, out _, out var error));
        Assert.Contains("YYYY-Www", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-W53", "2025 has weeks 1 to 52")]
    [InlineData("2026-W54", "2026 has weeks 1 to 53")]
    [InlineData("2026-W00", "2026 has weeks 1 to 53")]
    [InlineData("1999-W10", "not a week")]
    public void TryParse_NoSuchWeek_SaysWhy(string text, string reason)
    {
        Assert.False(IsoWeek.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Week_AcrossTheYearEnd_PreviousAndMondayAreRight()
    {
        var first = new IsoWeek(2027, 1);
        Assert.Equal(new DateOnly(2027, 1, 4), first.Monday);
        Assert.Equal(new IsoWeek(2026, 53), first.Previous);
        Assert.Equal(first, IsoWeek.Containing(new DateOnly(2027, 1, 10)));
        Assert.Equal("2027-W01", first.ToString());
    }

    [Fact]
    public void OfWeek_TheOctoberClockChange_Is169HoursAndStartsAtLocalMidnight()
    {
        var period = ReportPeriod.OfWeek(new IsoWeek(2026, 43), London); // Mon 19 – Sun 25 Oct 2026; clocks go back on the 25th
        Assert.Equal(TimeSpan.FromHours(169), period.End - period.Start);
        Assert.Equal(new DateTimeOffset(2026, 10, 19, 0, 0, 0, TimeSpan.FromHours(1)), period.Start);
        Assert.Equal(7, period.Days);
        Assert.Equal("Mon 19 Oct – Sun 25 Oct 2026", period.Label);
    }

    [Fact]
    public void Of_LastBeforeFirst_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ReportPeriod.Of(new DateOnly(2026, 12, 31), new DateOnly(2026, 9, 1), London));
        Assert.Contains("ends (2026-09-01) before it starts (2026-12-31)", error.Message, StringComparison.Ordinal);
    }
}
