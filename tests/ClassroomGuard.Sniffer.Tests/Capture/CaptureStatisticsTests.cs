using ClassroomGuard.Sniffer.Capture;

namespace ClassroomGuard.Sniffer.Tests.Capture;

public sealed class CaptureStatisticsTests
{
    [Fact]
    public void Advance_NoWrap_AddsDifference()
    {
        var stats = default(CaptureStatistics).Advance(0, 0, 0, 1000, 5, 1);
        stats = stats.Advance(1000, 5, 1, 2500, 7, 1);
        Assert.Equal(new CaptureStatistics(2500, 7, 1), stats);
    }

    [Fact]
    public void Advance_CounterWrapsAround_StillCountsForward()
    {
        var stats = new CaptureStatistics(uint.MaxValue - 10UL, 100, 0);
        stats = stats.Advance(uint.MaxValue - 10, 100, 0, 20, uint.MaxValue, 0);
        Assert.Equal(uint.MaxValue - 10UL + 31, stats.Received);
        Assert.Equal(100UL + uint.MaxValue - 100, stats.Dropped);
    }

    [Fact]
    public void Advance_ManyWraps_Beyond32Bits()
    {
        var stats = default(CaptureStatistics);
        uint raw = 0;
        for (var i = 0; i < 10; i++)
        {
            var next = unchecked(raw + 1_000_000_000u);
            stats = stats.Advance(raw, 0, 0, next, 0, 0);
            raw = next;
        }

        Assert.Equal(10_000_000_000UL, stats.Received);
    }
}
