using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Safeguarding;

/// <summary>
/// The block history in Chromium against the real console, DNS filter and influxd: a real blocked <c>dig</c> from a
/// device's address appears on /blocks with its attribution (device, pupil, address, MAC, site, category, rule), a
/// malformed site is refused beside its field, and the page is photographed at 1920x1080 and 1366x768.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class BlockHistoryBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private const string DeviceAddress = "127.0.0.85"; // reserved for this test class (127.0.0.85-86)
    private const string Mac = "02:85:00:00:00:01";

    [Fact]
    public async Task SafeguardingLead_RealBlockedDig_AppearsInTheHistoryWithItsAttribution()
    {
        var appliance = fixture.Appliance;
        var store = appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (_, lead) = await store.Users.CreateUserAsync("dsl." + suffix, "Dana Lead", [Role.SafeguardingLead], Password, mustChangePassword: false, CancellationToken.None);
        var classroom = await appliance.AddClassroomAsync("History room " + suffix, "hist" + suffix);
        var hostname = "HIST-LAPTOP-" + suffix;
        var deviceId = await appliance.AddDeviceAsync(classroom.Room, Mac, DeviceAddress, hostname);
        await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Agent, Mac, DeviceAddress, hostname, "Grace Hopper"), CancellationToken.None);

        // The real filter blocks poki.com (games) for this address and writes the block, attributed to the device.
        var device = deviceId.ToString(CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await appliance.Influx.QueryRawAsync($"SELECT \"domain\" FROM \"raw\".\"dns_blocks\" WHERE \"device\" = '{device}'", "classroomguard")).Contains("poki.com", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the DNS filter wrote no block for the device within 30 s");
            Assert.Contains("0.0.0.0", await Dig.QueryAsync(appliance.DnsPort, "poki.com", DeviceAddress), StringComparison.Ordinal);
            await Task.Delay(1500);
        }

        // influxd copies raw.dns_blocks into the history each minute (cq_blocks); the tests' influxd runs no continuous
        // queries, so the test runs the same statement once, as influxd would.
        await appliance.Influx.QueryRawAsync(BlockHistoryCopy.Select("classroomguard") + " WHERE time >= now() - 5m GROUP BY time(1s), * fill(none)", "classroomguard");

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, lead!.UserName, Password);

            // The deep link the weekly report will use: one device, today.
            var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await page.GotoAsync($"/blocks?device={device}&from={today}&to={today}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var row = page.Locator("[data-blocks] tbody tr", new PageLocatorOptions { HasText = "poki.com" }).First;
            await row.WaitForAsync();
            var text = await row.InnerTextAsync();
            Assert.Contains(hostname, text, StringComparison.Ordinal);
            Assert.Contains("Signed in now: Grace Hopper", text, StringComparison.Ordinal); // the name now, not claimed as then
            Assert.Contains(DeviceAddress + " · " + Mac, text, StringComparison.Ordinal);
            Assert.Contains("Games", text, StringComparison.Ordinal);
            Assert.Contains("Listed in Games (list: poki.com)", text, StringComparison.Ordinal);
            Assert.DoesNotContain("guests", text, StringComparison.Ordinal); // names, not keys
            Assert.Equal(hostname + " (" + DeviceAddress + ")", await page.InputValueAsync("#blocks-device"));
            await page.Locator(".cg-blocks-page[data-interactive='true']").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "blocks-device", fullPage: true);

            // Everything, newest first, with the export of the same filters.
            await page.GotoAsync("/blocks", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await page.Locator("[data-blocks] tbody tr", new PageLocatorOptions { HasText = hostname }).First.WaitForAsync();
            // Every block from the device's address is named, including any made before the filter knew the device.
            Assert.Equal(0, await page.Locator("[data-blocks] tbody tr", new PageLocatorOptions { HasText = DeviceAddress }).Filter(new() { HasText = "Unknown device" }).CountAsync());
            Assert.Equal("/blocks/export.csv", await page.Locator("[data-export]").GetAttributeAsync("href"));
            await Artefacts.ShootBothAsync(page, "blocks-all", fullPage: true);

            // A malformed site: refused beside the field.
            await page.Locator(".cg-blocks-page[data-interactive='true']").WaitForAsync(); // on its circuit: typing is not lost
            await page.FillAsync("#blocks-domain", "not a site");
            await page.ClickAsync("button[data-search]");
            await page.GetByText("'not a site' is not a web site's name").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "blocks-refused");

            // A site nobody was blocked from: the empty state says what to do.
            await page.FillAsync("#blocks-domain", "www.bbc.co.uk");
            await page.ClickAsync("button[data-search]");
            // A search for a site nobody was blocked from stops at its time budget on a busy machine ("No block found
            // back to … yet"): the person chooses Older until the whole history has been searched, as the page says.
            var empty = page.Locator("[data-empty]:has-text('No block matches these filters')");
            for (var older = 0; older < 20 && !await empty.IsVisibleAsync(); older++)
            {
                await page.Locator("[data-empty]").WaitForAsync();
                if (await page.Locator("[data-empty]:has-text('Choose Older')").IsVisibleAsync())
                {
                    await page.Locator("button[data-older]:not([disabled])").ClickAsync();
                    await page.WaitForTimeoutAsync(200);
                }
            }

            await empty.WaitForAsync();
            await Artefacts.ShootBothAsync(page, "blocks-empty");

            Assert.Empty(errors);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
