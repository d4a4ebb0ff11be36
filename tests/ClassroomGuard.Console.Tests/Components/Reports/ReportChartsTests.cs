using Bunit;
using ClassroomGuard.Console.Components.Pages.Reports.Charts;

namespace ClassroomGuard.Console.Tests.Components.Reports;

/// <summary>The report charts rendered alone: accessible SVG, one mark per value, sizes in proportion, legends, no script.</summary>
public sealed class ReportChartsTests
{
    [Fact]
    public async Task BarChart_Items_DrawsOneProportionalBarEachWithValueAndPreviousWeek()
    {
        await using var context = new BunitContext();
        var cut = context.Render<BarChart>(p => p
            .Add(c => c.Id, "rooms")
            .Add(c => c.Title, "Traffic per room")
            .Add(c => c.Description, "Room 4 200, ICT 100")
            .Add(c => c.Items, [new BarChartItem("Room 4", 200, 100), new BarChartItem("ICT Suite", 100, 200), new BarChartItem("Hall", 0, 0)]));

        var svg = cut.Find("svg");
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Equal("rooms-title rooms-desc", svg.GetAttribute("aria-labelledby"));
        Assert.Equal("Traffic per room", cut.Find("svg > title").TextContent);
        Assert.Equal("Room 4 200, ICT 100", cut.Find("svg > desc").TextContent);
        var bars = cut.FindAll("g.cg-bar");
        Assert.Equal(["Room 4", "ICT Suite", "Hall"], bars.Select(b => b.GetAttribute("data-label")));
        var widths = bars.Select(b => double.Parse(b.QuerySelector("rect")!.GetAttribute("width")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(widths[0] / 2, widths[1], 2);
        Assert.Equal(0, widths[2]);
        Assert.Equal(widths[0], double.Parse(cut.FindAll("rect.cg-bar-previous")[1].GetAttribute("width")!, System.Globalization.CultureInfo.InvariantCulture), 2);
        Assert.Equal("200", bars[0].QuerySelector(".cg-chart-value")!.TextContent);
        Assert.Equal("Room 4: 200 (week before: 100)", bars[0].QuerySelector("title")!.TextContent);
        Assert.Contains("Week before", cut.Find("g.cg-legend").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script, button"));
    }

    [Fact]
    public async Task BarChart_LongLabelAndByteFormat_CutsTheLabelAndFormatsTheValue()
    {
        await using var context = new BunitContext();
        var name = "A very long room name that does not fit in the column";
        var cut = context.Render<BarChart>(p => p
            .Add(c => c.Id, "x").Add(c => c.Title, "t").Add(c => c.Description, "d")
            .Add(c => c.Items, [new BarChartItem(name, 1536)])
            .Add(c => c.Format, v => $"{v / 1024.0:0.0} KB"));

        Assert.Equal("A very long room name that …", cut.Find(".cg-chart-label").TextContent);
        Assert.Equal("1.5 KB", cut.Find(".cg-chart-value").TextContent);
        Assert.StartsWith(name, cut.Find("g.cg-bar > title").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("g.cg-legend"));
    }

    [Fact]
    public async Task StackedDayChart_Days_StacksSegmentsWithTotalsAndLegend()
    {
        await using var context = new BunitContext();
        var monday = new DateOnly(2026, 11, 30);
        var cut = context.Render<StackedDayChart>(p => p
            .Add(c => c.Id, "days").Add(c => c.Title, "Blocks per day").Add(c => c.Description, "d")
            .Add(c => c.Series, ["Games", "Social networking"])
            .Add(c => c.Days, [new DayStack(monday, [60, 30]), new DayStack(monday.AddDays(1), [0, 10])]));

        var days = cut.FindAll("g.cg-day");
        Assert.Equal(["2026-11-30", "2026-12-01"], days.Select(d => d.GetAttribute("data-day")));
        Assert.Equal(["90", "10"], days.Select(d => d.GetAttribute("data-total")));
        Assert.Equal(2, days[0].QuerySelectorAll("rect.cg-segment").Length);
        Assert.Single(days[1].QuerySelectorAll("rect.cg-segment")); // a zero draws nothing
        var heights = days[0].QuerySelectorAll("rect.cg-segment").Select(r => double.Parse(r.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(heights[0] / 2, heights[1], 2);
        Assert.Equal("Monday 30 Nov: Games 60", days[0].QuerySelector("rect.cg-segment title")!.TextContent);
        Assert.Equal(["Games", "Social networking"], cut.FindAll(".cg-chart-legend li").Select(li => li.TextContent));
        Assert.Equal("img", cut.Find("svg").GetAttribute("role"));
        Assert.Equal("Mon 30", days[0].QuerySelectorAll("text")[^1].TextContent);
    }

    [Fact]
    public async Task HeatMap_Values_ShadesEveryCellByLevelAndNamesIt()
    {
        await using var context = new BunitContext();
        var values = Enumerable.Range(0, 7).Select(_ => new long[24]).ToArray();
        values[0][9] = 100;   // Monday 09:00, the busiest
        values[2][14] = 20;   // Wednesday 14:00, level 1
        values[4][10] = 61;   // Friday 10:00, level 4
        var cut = context.Render<HeatMap>(p => p.Add(c => c.Id, "heat").Add(c => c.Title, "Activity").Add(c => c.Description, "d").Add(c => c.Values, values));

        var cells = cut.FindAll("rect.cg-heat-cell");
        Assert.Equal(7 * 24, cells.Count);
        string Level(int day, int hour) => cut.Find($"g.cg-heat-row[data-day='{day}'] rect[data-hour='{hour}']").GetAttribute("data-level")!;
        Assert.Equal("5", Level(0, 9));
        Assert.Equal("1", Level(2, 14));
        Assert.Equal("4", Level(4, 10));
        Assert.Equal("0", Level(6, 23));
        Assert.Equal("Monday 09:00–10:00: 100 DNS queries", cut.Find("g.cg-heat-row[data-day='0'] rect[data-hour='9'] title").TextContent);
        Assert.Equal("Sunday 23:00–00:00: 0 DNS queries", cut.Find("g.cg-heat-row[data-day='6'] rect[data-hour='23'] title").TextContent);
        Assert.Equal(["None", "1–20", "21–40", "41–60", "61–80", "81–100"], cut.FindAll(".cg-chart-legend li").Select(li => li.TextContent));
        Assert.Equal(6, cut.FindAll(".cg-chart-legend rect").Select(r => r.GetAttribute("fill")).Distinct().Count());
    }

    [Fact]
    public async Task HeatMap_SmallMaximum_LegendHasNoEmptyRanges()
    {
        await using var context = new BunitContext();
        var values = Enumerable.Range(0, 7).Select(_ => new long[24]).ToArray();
        values[1][1] = 2;
        var cut = context.Render<HeatMap>(p => p.Add(c => c.Id, "heat").Add(c => c.Title, "t").Add(c => c.Description, "d").Add(c => c.Values, values));

        Assert.Equal(["None", "1", "2"], cut.FindAll(".cg-chart-legend li").Select(li => li.TextContent));
    }

    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(7L, 2L)]
    [InlineData(90L, 50L)]
    [InlineData(1234L, 500L)]
    [InlineData(10L, 5L)]
    public void Step_Max_IsARoundNumberGivingAtMostFourSteps(long max, long expected)
        => Assert.Equal(expected, ChartMath.Step(max));
}
