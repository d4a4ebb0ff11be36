using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Reports.Weekly;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Components.Reports;

/// <summary>The weekly report's view from hand-built reports: numbers, words, links, empty lists, and the printed form.</summary>
public sealed class WeeklyReportViewTests
{
    private const string PublicUrl = "https://classroomguard.oaklane.example:8443";

    private static BunitContext Context()
    {
        var context = new BunitContext();
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<IOptions<StateOptions>>(Options.Create(new StateOptions { Path = "unused", TimeZone = "Europe/London" }));
        context.Services.AddSingleton<SchoolClock>();
        context.Services.AddSingleton<IOptions<ConsoleOptions>>(Options.Create(new ConsoleOptions { PublicUrl = PublicUrl }));
        return context;
    }

    private static IRenderedComponent<WeeklyReportView> Render(BunitContext context, WeeklyReport report, bool print = false, bool linkDevices = true)
        => context.Render<WeeklyReportView>(p => p.Add(v => v.Report, report).Add(v => v.Print, print).Add(v => v.LinkDevices, linkDevices));

    [Fact]
    public async Task Render_BusyWeek_HeadlinesShowBothWeeksAndTheChangeInWords()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        Assert.Equal("Week 49: Mon 30 Nov – Sun 6 Dec 2026", cut.Find("h1").TextContent);
        Assert.Contains("Oak Lane Primary", cut.Find(".cg-report-kind").TextContent, StringComparison.Ordinal);
        Assert.Contains("Generated Mon 7 Dec 2026 at 07:00", cut.Find(".cg-report-sub").TextContent, StringComparison.Ordinal);
        var seen = cut.Find("[data-headline='devices-seen']");
        Assert.Equal("142", seen.QuerySelector(".cg-headline-value")!.TextContent);
        Assert.Equal("Week before: 130", seen.QuerySelector(".cg-headline-before")!.TextContent);
        Assert.Equal("12 more than the week before", seen.QuerySelector(".cg-change-text")!.TextContent);
        var traffic = cut.Find("[data-headline='traffic']");
        Assert.Equal("5.0 GB", traffic.QuerySelector(".cg-headline-value")!.TextContent);
        Assert.Equal("1.0 GB more than the week before", traffic.QuerySelector(".cg-change-text")!.TextContent);
        Assert.Equal("65,433 fewer than the week before", cut.Find("[data-headline='queries'] .cg-change-text").TextContent);
        Assert.Equal("the same as the week before", cut.Find("[data-headline='incidents'] .cg-change-text").TextContent);
        Assert.Equal("1,234,567", cut.Find("[data-headline='queries'] .cg-headline-value").TextContent);
    }

    [Fact]
    public async Task Render_BusyWeek_GapsComeFirstAndProminent()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var gaps = cut.Find("section.cg-gaps");
        Assert.Equal("What this report could not see", gaps.QuerySelector("h2")!.TextContent);
        Assert.Contains("The sniffer did not report", gaps.TextContent, StringComparison.Ordinal);
        Assert.Contains("cg-gaps", cut.Find("article > section").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BusyWeek_BlocksByGroupSaysWhyItCanBeBelowTheTotal()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var note = cut.Find("section[data-section=blocks] [data-note=block-limits]");
        Assert.Contains("at most 8 different blocked names per device each second", note.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BusyWeek_DevicesAreNamedAndLinkToTheDeviceListAndTheirBlocks()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var row = cut.Find("[data-section='new-devices'] tr[data-device-id='42']");
        var name = row.QuerySelector("a.cg-device-link")!;
        Assert.Equal("Guest phone & tablet", name.TextContent);
        Assert.Equal("/admin/devices?search=Guest%20phone%20%26%20tablet", name.GetAttribute("href"));
        Assert.Equal("/blocks?device=42&from=2026-11-30&to=2026-12-06", row.QuerySelector("a.cg-blocks-link")!.GetAttribute("href"));
        Assert.Equal("No room yet", row.QuerySelectorAll("td")[1].TextContent);
        Assert.Equal("Thu 3 Dec 13:02", row.QuerySelectorAll("td")[2].TextContent);
        Assert.Equal("Tue 1 Dec 09:14", cut.Find("[data-section='new-devices'] tr[data-device-id='41'] td:nth-child(3)").TextContent);

        var busiest = cut.Find("[data-section='top-devices'] tr[data-device-id='7']").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        Assert.StartsWith("PC-07", busiest[0], StringComparison.Ordinal);
        Assert.Equal(["ICT Suite", "900.0 MB", "100.0 MB", "1000.0 MB", "12,000", "40"], busiest[1..]);
        Assert.Equal("1.5 KB", cut.Find("[data-section='top-devices'] tr[data-device-id='41'] td:nth-child(4)").TextContent);

        var sites = cut.FindAll("[data-section='top-sites'] tr[data-label='www.bbc.co.uk']");
        Assert.Equal(2, sites.Count); // by traffic (bytes), then by look-ups (DNS queries)
        Assert.Equal(["200.0 MB", "100.0 MB", "+100.0 MB"], sites[0].QuerySelectorAll("td").Select(td => td.TextContent).ToArray());
        Assert.Equal(["9,000", "7,500", "+1,500"], sites[1].QuerySelectorAll("td").Select(td => td.TextContent).ToArray());

        Assert.Equal("/blocks?domain=poki.com&from=2026-11-30&to=2026-12-06", cut.Find("[data-section='blocks'] tr[data-label='poki.com'] a").GetAttribute("href"));
    }

    [Fact]
    public async Task Render_ForTheSafeguardingLead_NamesDevicesWithoutTheDeviceListLink()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy(), linkDevices: false);

        Assert.Empty(cut.FindAll("a.cg-device-link"));
        Assert.Equal("IPAD-17", cut.Find("[data-section='new-devices'] tr[data-device-id='41'] .cg-device-name").TextContent);
        Assert.NotEmpty(cut.FindAll("a.cg-blocks-link"));
    }

    [Fact]
    public async Task Render_BusyWeek_RoomsChartAndTableAgree()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var bars = cut.FindAll("#wr-rooms-chart g.cg-bar");
        Assert.Equal(["Room 4", "ICT Suite", "No room"], bars.Select(b => b.GetAttribute("data-label")));
        Assert.Equal("2.0 GB", bars[0].QuerySelector(".cg-chart-value")!.TextContent);
        var cells = cut.Find("[data-section='rooms'] tr[data-room='Room 4']").QuerySelectorAll("td").Select(td => td.TextContent).ToArray();
        Assert.Equal(["31", "2.0 GB", "1.0 GB", "400,000", "200"], cells);
        Assert.Contains("Room 4 2.0 GB (before 1.0 GB)", cut.Find("#wr-rooms-chart desc").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_FortyRooms_ChartsTheFifteenBusiestAndTheTableHasAll()
    {
        await using var context = Context();
        var rooms = Enumerable.Range(1, 40).Select(i => new RoomTraffic(i, $"Room {i}", new Compared(i * 1_000_000L, 0), default, default, 1)).ToArray();
        var cut = Render(context, WeeklyReportSample.Busy() with { Rooms = rooms });

        var bars = cut.FindAll("#wr-rooms-chart g.cg-bar").Select(b => b.GetAttribute("data-label")).ToArray();
        Assert.Equal(Enumerable.Range(26, 15).Reverse().Select(i => $"Room {i}"), bars);
        Assert.Contains("15 busiest rooms", cut.Find("#wr-rooms-chart title").TextContent, StringComparison.Ordinal);
        Assert.Equal("The chart shows the 15 busiest rooms; the table has all 40.", cut.Find("[data-rooms-charted]").TextContent);
        Assert.Equal(40, cut.FindAll("[data-section='rooms'] tr[data-room]").Count);
    }

    [Fact]
    public async Task Render_BusyWeek_CategoryKeysAreNeverShownOnlyTheirLabels()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var text = cut.Find("article").TextContent;
        Assert.DoesNotContain("social_networks", text, StringComparison.Ordinal);
        Assert.DoesNotContain("self_harm", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other_dns", text, StringComparison.Ordinal);
        Assert.Contains("Social networking", text, StringComparison.Ordinal);
        Assert.Equal(["Games", "Social networking", "Self-harm"], cut.FindAll("#wr-blocks-per-day ~ .cg-chart-legend li, .cg-stacked-chart .cg-chart-legend li").Select(li => li.TextContent).Distinct());
        // The category link filters the block history by its key, which the person never reads.
        Assert.Equal("/blocks?category=self_harm&from=2026-11-30&to=2026-12-06", cut.Find("tr[data-label='Self-harm'] a").GetAttribute("href"));
    }

    [Fact]
    public async Task Render_BusyWeek_BlocksPerDayHasSevenDaysWithTotals()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var days = cut.FindAll("#wr-blocks-per-day g.cg-day");
        Assert.Equal(7, days.Count);
        Assert.Equal(["90", "90", "92", "90", "90", "0", "0"], days.Select(d => d.GetAttribute("data-total")));
        var footer = cut.Find("[data-section='blocks'] tfoot tr").QuerySelectorAll("td").Select(td => td.TextContent).ToArray();
        Assert.Equal(["90", "90", "92", "90", "90", "0", "0", "452"], footer);
    }

    [Fact]
    public async Task Render_ManyCategories_SixByNameAndTheRestAsOther()
    {
        await using var context = Context();
        var busy = WeeklyReportSample.Busy();
        var keys = Enumerable.Range(1, 9).Select(i => $"cat_{i}").ToArray();
        var report = busy with
        {
            BlocksByCategory = keys.Select((k, i) => new NamedCount(k, $"Category {i + 1}", new Compared(100 - i, 0))).ToArray(),
            BlocksPerDay = [new DayCategoryBlocks(busy.Period.First, keys.Select((k, i) => (Key: k, Count: (long)(100 - i))).Append((Key: "unlabelled_key", Count: 5L)).ToDictionary(p => p.Key, p => p.Count))],
        };
        var cut = Render(context, report);

        var legend = cut.FindAll(".cg-stacked-chart .cg-chart-legend li").Select(li => li.TextContent).ToArray();
        Assert.Equal(["Category 1", "Category 2", "Category 3", "Category 4", "Category 5", "Category 6", "Other categories"], legend);
        Assert.Equal((94 + 93 + 92 + 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
            cut.Find(".cg-stacked-chart rect[data-series='Other categories']").GetAttribute("data-value"));
        Assert.DoesNotContain("unlabelled_key", cut.Find("article").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BusyWeek_CircumventionByKindAndDevice()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        var section = cut.Find("[data-section='circumvention']");
        Assert.Equal(["DNS over HTTPS", "Another DNS server"], section.QuerySelectorAll("tr[data-kind]").Select(r => r.GetAttribute("data-kind")));
        var address = section.QuerySelectorAll("tbody tr").Last();
        Assert.Contains("10.0.4.99", address.TextContent, StringComparison.Ordinal);
        Assert.Contains("not in the inventory", address.TextContent, StringComparison.Ordinal);
        Assert.Empty(address.QuerySelectorAll("a"));
    }

    [Fact]
    public async Task Render_BusyWeek_HealthInWords()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        Assert.Equal("The DNS filter answered all week (the week before 100.0%).", cut.Find("li[data-component='dnsfilter'] .cg-health-uptime").TextContent);
        var sniffer = cut.Find("li[data-component='sniffer']");
        Assert.Equal("The sniffer was not running for 3 h 20 min (up 98.0% of the week; the week before 100.0%).", sniffer.QuerySelector(".cg-health-uptime")!.TextContent);
        Assert.Contains("dropped 1,204 packets", sniffer.TextContent, StringComparison.Ordinal);
        Assert.Contains("cg-health-warn", sniffer.ClassName, StringComparison.Ordinal);
        Assert.Contains("cg-health-ok", cut.Find("li[data-component='dnsfilter']").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_BusyWeek_HeatMapCellsAndDayTable()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        Assert.Equal(7 * 24, cut.FindAll("#wr-heat-map rect.cg-heat-cell").Count);
        var busiest = cut.Find("#wr-heat-map g.cg-heat-row[data-day='2'] rect[data-hour='10']");
        Assert.Equal("5000", busiest.GetAttribute("data-value"));
        Assert.Equal("5", busiest.GetAttribute("data-level"));
        Assert.Equal("0", cut.Find("#wr-heat-map g.cg-heat-row[data-day='6'] rect[data-hour='10']").GetAttribute("data-level"));
        var wednesday = cut.FindAll("[data-table='activity-days'] tbody tr")[2].QuerySelectorAll("th, td").Select(c => c.TextContent).ToArray();
        Assert.Equal("Wednesday 2 Dec", wednesday[0]);
        Assert.Equal("10:00–11:00 (5,000)", wednesday[2]);
        Assert.Equal("No activity", cut.FindAll("[data-table='activity-days'] tbody tr")[6].QuerySelectorAll("td")[1].TextContent);
        Assert.Contains("Wednesday 10:00 to 11:00 with 5,000 queries", cut.Find("#wr-heat-map desc").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_EmptyWeek_EveryListSaysSoInASentence()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Empty());

        var empties = cut.FindAll(".cg-empty").Select(p => p.TextContent).ToArray();
        Assert.Contains("No device was seen for the first time this week.", empties);
        Assert.Contains("No traffic was recorded in any room this week.", empties);
        Assert.Contains("The network monitor saw no traffic to any site this week.", empties);
        Assert.Contains("Nothing was blocked this week.", empties);
        Assert.Contains("No domain was blocked this week.", empties);
        Assert.Contains("No alert was raised this week.", empties);
        Assert.Contains("No incident was recorded this week.", empties);
        Assert.Contains(empties, e => e.StartsWith("No device tried to get round the filter", StringComparison.Ordinal));
        Assert.Contains(empties, e => e.StartsWith("No service reported its health", StringComparison.Ordinal));
        Assert.Contains(empties, e => e.StartsWith("No DNS query was answered", StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("svg[role='img']"));
        Assert.Empty(cut.FindAll("section.cg-gaps"));
        Assert.Equal("the same as the week before", cut.Find("[data-headline='traffic'] .cg-change-text").TextContent);
        Assert.Equal("0 bytes", cut.Find("[data-headline='traffic'] .cg-headline-value").TextContent);
    }

    [Fact]
    public async Task Render_Print_LinksAreAbsoluteAndNothingIsInteractive()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy(), print: true);

        var links = cut.FindAll("a").Select(a => a.GetAttribute("href")!).ToArray();
        Assert.NotEmpty(links);
        Assert.All(links, href => Assert.StartsWith(PublicUrl + "/", href, StringComparison.Ordinal));
        Assert.Contains(PublicUrl + "/blocks?device=7&from=2026-11-30&to=2026-12-06", links);
        Assert.Contains(PublicUrl + "/admin/devices?search=PC-07", links);
        Assert.Empty(cut.FindAll("button, input, select, textarea, script, [onclick], form"));
        Assert.Equal("true", cut.Find("article").GetAttribute("data-print"));
    }

    [Fact]
    public async Task Render_Screen_LinksAreRelative()
    {
        await using var context = Context();
        var cut = Render(context, WeeklyReportSample.Busy());

        Assert.All(cut.FindAll("a").Select(a => a.GetAttribute("href")!), href => Assert.StartsWith("/", href, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("button, input, select, script"));
    }
}
