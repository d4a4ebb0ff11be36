using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>The one InfluxQL time literal every query builds its ranges with.</summary>
public sealed class InfluxQlTimeTests
{
    [Fact]
    public void Time_IsNanosecondsSinceTheEpoch_WhateverTheOffset()
    {
        Assert.Equal("0", InfluxQl.Time(DateTimeOffset.UnixEpoch));
        Assert.Equal("1796601600000000000", InfluxQl.Time(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(InfluxQl.Time(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)), InfluxQl.Time(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal("1796601600000000100", InfluxQl.Time(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero).AddTicks(1)));
        Assert.Equal("-100", InfluxQl.Time(DateTimeOffset.UnixEpoch.AddTicks(-1)));
    }
}
