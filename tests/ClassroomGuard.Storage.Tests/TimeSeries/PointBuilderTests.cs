using System.Text;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>Exact line-protocol text for names, values and escapes (the oracle for what influxd then reads back).</summary>
public sealed class PointBuilderTests
{
    private static string Line(PointBuilder point) => Encoding.UTF8.GetString(point.Utf8Line);

    public static TheoryData<string, string, string, string> NameCases => new()
    {
        // measurement, tag value, expected measurement text, expected tag value text
        { "plain", "v", "plain", "v" },
        { "with space", "a b", @"with\ space", @"a\ b" },
        { "com,ma", "a,b", @"com\,ma", @"a\,b" },
        { "eq=uals", "a=b", "eq=uals", @"a\=b" },
        { "quo\"te", "say \"hi\"", "quo\"te", @"say\ ""hi""" },
        { @"back\slash", @"c:\dir", @"back\slash", @"c:\dir" },
        { @"trailing\", @"end\", "trailing\uFFFD", "end\uFFFD" },
        { @"bs\ space", @"bs\,comma", "bs\uFFFD\\ space", "bs\uFFFD\\,comma" },
        { "new\nline", "cr\rlf\n", "new\uFFFDline", "cr\uFFFDlf\uFFFD" },
        { "#hash", "#tag", "\uFFFDhash", "#tag" },
        { "emoji😀é", "ünï😀", "emoji😀é", "ünï😀" },
        { "tab\there", "tab\tv", "tab\there", "tab\tv" },
        { "\tlead", "\tlead", "\uFFFDlead", "\tlead" },
        { "m\\\"q", "t\\\"q", "m\uFFFD\"q", "t\\\"q" },
    };

    [Theory]
    [MemberData(nameof(NameCases))]
    public void Tag_AwkwardNames_EscapedOrReplacedAsDocumented(string measurement, string tagValue, string expectedMeasurement, string expectedTag)
    {
        var point = PointBuilder.Create(measurement).Tag("k", tagValue).Field("f", 1L).Timestamp(5L);

        Assert.Equal(PointError.None, point.Error);
        Assert.Equal($"{expectedMeasurement},k={expectedTag} f=1i 5", Line(point));
    }

    [Fact]
    public void Field_KeysWithSpecials_EscapedLikeTagKeys()
    {
        var point = PointBuilder.Create("m").Tag("a key=,", "v").Field("f k=,", true).Timestamp(1L);

        Assert.Equal(@"m,a\ key\=\,=v f\ k\=\,=true 1", Line(point));
    }

    [Fact]
    public void Field_KeyWithLeadingTabOrBackslashQuote_ReplacedButTagKeyKept()
    {
        var point = PointBuilder.Create("m").Tag("\tk\\\"", "v").Field("\tf\\\"", 1L).Timestamp(1L);

        Assert.Equal("m,\tk\\\"=v \uFFFDf\uFFFD\"=1i 1", Line(point));
    }

    public static TheoryData<string, string> StringFieldCases => new()
    {
        { "", "\"\"" },
        { "plain", "\"plain\"" },
        { "say \"hi\"", "\"say \\\"hi\\\"\"" },
        { @"c:\dir\", "\"c:\\\\dir\\\\\"" },
        { "line\nbreak", "\"line\nbreak\"" },
        { "a,b=c d", "\"a,b=c d\"" },
        { "😀", "\"😀\"" },
    };

    [Theory]
    [MemberData(nameof(StringFieldCases))]
    public void Field_StringValues_QuotesAndBackslashesEscaped(string value, string expected)
    {
        var point = PointBuilder.Create("m").Field("s", value).Timestamp(1L);

        Assert.Equal($"m s={expected} 1", Line(point));
    }

    public static TheoryData<double, string> FloatCases => new()
    {
        { 0.1, "0.1" },
        { 1.0, "1" },
        { -0.0, "-0" },
        { 1e-7, "1E-07" },
        { double.MaxValue, "1.7976931348623157E+308" },
        { double.Epsilon, "5E-324" },
        { 123456789.123456789, "123456789.12345679" },
    };

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Field_Floats_ShortestRoundTripInvariant(double value, string expected)
    {
        var point = PointBuilder.Create("m").Field("x", value).Timestamp(1L);

        Assert.Equal($"m x={expected} 1", Line(point));
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Field_FloatsRandom_RoundTripExactly()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 2000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var line = Line(PointBuilder.Create("m").Field("x", value).Timestamp(1L));
            var text = line["m x=".Length..line.LastIndexOf(' ')];
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Field_NonFiniteFloat_PointInvalid(double value)
    {
        var point = PointBuilder.Create("m").Field("ok", 1L).Field("x", value).Timestamp(1L);

        Assert.Equal(PointError.NonFiniteFloat, point.Error);
    }

    [Fact]
    public void Field_IntegersAndBooleans_SuffixAndWords()
    {
        var point = PointBuilder.Create("m").Field("a", long.MinValue).Field("b", 42).Field("c", false).Timestamp(-1L);

        Assert.Equal("m a=-9223372036854775808i,b=42i,c=false -1", Line(point));
    }

    [Fact]
    public void Tag_AddedOutOfOrder_WrittenSortedByKey()
    {
        var point = PointBuilder.Create("m").Tag("zone", "z").Tag("b", "2").Tag("a", "1").Tag("room", "r").Field("f", 1L).Timestamp(1L);

        Assert.Equal("m,a=1,b=2,room=r,zone=z f=1i 1", Line(point));
    }

    [Fact]
    public void Tag_EmptyValue_LeftOut()
    {
        var point = PointBuilder.Create("m").Tag("a", "").Tag("b", "x").Field("f", 1L).Timestamp(1L);

        Assert.Equal("m,b=x f=1i 1", Line(point));
    }

    [Fact]
    public void Create_EmptyNamesOrNoField_PointInvalid()
    {
        Assert.Equal(PointError.EmptyName, PointBuilder.Create("").Field("f", 1L).Error);
        Assert.Equal(PointError.EmptyName, PointBuilder.Create("m").Tag("", "v").Field("f", 1L).Error);
        Assert.Equal(PointError.EmptyName, PointBuilder.Create("m").Field("", 1L).Error);
        Assert.Equal(PointError.NoField, PointBuilder.Create("m").Tag("a", "b").Error);
        Assert.Equal(PointError.TagAfterField, PointBuilder.Create("m").Field("f", 1L).Tag("a", "b").Error);
    }

    [Fact]
    public void Create_WhilePreviousPointPending_PreviousPointThrowsWhenUsed()
    {
        var first = PointBuilder.Create("first").Field("f", 1L);
        _ = PointBuilder.Create("second");

        try
        {
            _ = first.Error;
            Assert.Fail("A stale point must not be usable.");
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Theory]
    [InlineData(InfluxPrecision.Nanoseconds, "1763786096123456700")]
    [InlineData(InfluxPrecision.Microseconds, "1763786096123456")]
    [InlineData(InfluxPrecision.Milliseconds, "1763786096123")]
    [InlineData(InfluxPrecision.Seconds, "1763786096")]
    public void Timestamp_DateTimeOffset_ConvertedToPrecision(InfluxPrecision precision, string expected)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1763786096123).AddTicks(4567);

        var point = PointBuilder.Create("m", precision).Field("f", 1L).Timestamp(time);

        Assert.Equal("m f=1i " + expected, Line(point));
    }

    [Fact]
    public void Create_ManyPointsOnOneThread_AllocatesNothingPerPoint()
    {
        static void Build(int i)
        {
            var point = PointBuilder.Create("dns_activity").Tag("room", "B12").Tag("device", "d-0042")
                .Field("queries", (long)i).Field("blocked", 3L).Field("ratio", 0.25).Timestamp(1_763_786_096_000_000_000L + i);
            if (point.Error != PointError.None)
            {
                throw new InvalidOperationException(point.Error.ToString());
            }
        }

        Build(0); // warm up the thread's scratch space
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Build(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
