using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// One appliance and one Chromium for every browser test (starting them is most of the cost); each test makes its own
/// room and teacher, and its own browser context (cookies) at the classroom display's 1920×1080.
/// </summary>
public sealed class ClassroomFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public Appliance Appliance { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Appliance = await Appliance.StartAsync();
        try
        {
            (playwright, Browser) = await Chromium.LaunchAsync(Appliance.Certificate.Pin);
        }
        catch
        {
            await Appliance.DisposeAsync(); // no leftover influxd, console or DNS filter when Chromium cannot start
            throw;
        }
    }

    /// <summary>A fresh browser (no cookies) showing the console at 1920×1080.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = Chromium.ClassroomDisplay,
            BaseURL = Appliance.ConsoleUrl.ToString(),
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });
        context.SetDefaultTimeout(30_000); // a 2-core machine under a whole test run is slow; passing runs never wait it out
        return await context.NewPageAsync();
    }

    /// <summary>From the room list, opens the room's card, and waits until its live view is on the circuit.</summary>
    public static async Task OpenRoomAsync(IPage page, Room room)
    {
        await page.GotoAsync("/rooms");
        // Click once the list is on its circuit: a click while the circuit was still starting was seen to change the
        // address without the room page following (1 run in ~10 under a full test run).
        await page.Locator(".rooms-page[data-interactive=true]").WaitForAsync();
        await page.Locator($".room-card[data-room-id='{room.Id}'] a").ClickAsync();
        await page.WaitForURLAsync("**/rooms/" + room.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#live-status[data-state=live]").WaitForAsync(new() { Timeout = 30_000 });
    }

    /// <summary>Signs in through the real sign-in form, as a teacher at the kiosk would.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("form button[type=submit]");
        // Only the navigation away from the form: a cold console on a loaded machine can take long over the next
        // page's "load" event, and each test waits for what it needs on that page itself.
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Appliance is not null)
        {
            await Appliance.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClassroomCollection : ICollectionFixture<ClassroomFixture>
{
    public const string Name = "classroom";
}
