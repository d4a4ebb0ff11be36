// bench/blank.sh's program. Starts the appliance's real processes on loopback, a pupil agent on an Xvfb display, and
// Chromium (Playwright) signed in as the room's teacher on the interactive room page, then measures:
//   blank   — a click on the tile's Blank button (over the page's Blazor circuit → ClassroomActions) → the agent's
//             window MapNotify on the X display; Unblank likewise → UnmapNotify. Stamped by an X client of our own
//             (XMapWatcher) in this process, on the same monotonic clock as the click.
//   live    — a DNS query (dig -b <the device's address>) through the DNS filter → the device's tile showing the name,
//             pushed over the circuit; stamped in the page by a MutationObserver on the wall clock, against the wall
//             clock taken here just before dig starts.
//   console — the console's resident memory with 30 kiosks connected: 30 rooms with a device each, one Chromium page
//             per room (30 circuits, 30 room feeds), after they have all been live for a while.
// Prints, last: "blank p95_ms=N", "live p95_ms=N", "console rss_mb=N circuits=30".
using System.Diagnostics;
using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Classroom.Benchmarks;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

var cycles = Argument("--cycles", 50);
var samples = Argument("--samples", 50);
var kiosks = Argument("--kiosks", 30);
const string DeviceAddress = "127.0.0.23";

Console.WriteLine($"loadavg at start: {File.ReadAllText("/proc/loadavg").Trim()}");
await using var appliance = await Appliance.StartAsync();
await using var display = await XDisplay.StartAsync();
var classroom = await appliance.AddClassroomAsync("Bench room", "benchteacher");
await using var agent = await PupilAgent.StartAsync(appliance, classroom, display);
var deviceId = await appliance.AssignAddressAsync(agent.Mac, DeviceAddress);
Console.WriteLine($"appliance up: console {appliance.ConsoleUrl}, DNS filter 127.0.0.1:{appliance.DnsPort}, agent device {deviceId} on X {display.Name} with address {DeviceAddress}");

var (playwright, browser) = await Chromium.LaunchAsync(appliance.Certificate.Pin);
List<double> blank, unblank, live;
double rssMb;
try
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Chromium.ClassroomDisplay, BaseURL = appliance.ConsoleUrl.ToString() });
    context.SetDefaultTimeout(30_000);
    var page = await context.NewPageAsync();
    await SignInAsync(page);
    await OpenRoomAsync(page, classroom.Room.Id);
    var tile = page.Locator($"#tiles [data-device-id='{deviceId}']");

    (blank, unblank) = await MeasureBlankAsync(tile);
    Console.WriteLine(Percentiles.Describe("unblank (click → UnmapNotify)", unblank));
    Console.WriteLine(Percentiles.Describe("blank (click → MapNotify)", blank));

    live = await MeasureLiveAsync(page);
    Console.WriteLine(Percentiles.Describe("live (dig → tile shows the name)", live));
    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("bench-live-1920x1080.png") });
    await page.CloseAsync();

    rssMb = await MeasureKiosksAsync(context);
}
finally
{
    await browser.CloseAsync();
    playwright.Dispose();
}

Console.WriteLine($"loadavg at end: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"blank p95_ms={Percentiles.Of(blank, 95):0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live p95_ms={Percentiles.Of(live, 95):0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"console rss_mb={rssMb:0} circuits={kiosks}"));
return 0;

async Task SignInAsync(IPage page)
{
    await page.GotoAsync("/signin");
    await page.FillAsync("#username", classroom.Teacher.UserName);
    await page.FillAsync("#password", Appliance.TeacherPassword);
    await page.ClickAsync("form button[type=submit]");
    await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 90_000 });
}

async Task OpenRoomAsync(IPage page, long roomId)
{
    await page.GotoAsync("/rooms/" + roomId.ToString(CultureInfo.InvariantCulture));
    await page.Locator("#live-status[data-state=live]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
}

async Task<(List<double> Blank, List<double> Unblank)> MeasureBlankAsync(ILocator tile)
{
    using var watcher = XMapWatcher.Start(display.Name, "ClassroomGuard blank");
    List<double> blanks = [], unblanks = [];
    var blankButton = tile.Locator("button[data-action=blank]");
    var unblankButton = tile.Locator("button[data-action=unblank]");

    // Warm-up (not counted): the agent's first connection, and the first run of every code path (JIT).
    for (var i = 0; i < 3; i++)
    {
        await blankButton.ClickAsync();
        await watcher.NextAsync(mapped: true, TimeSpan.FromSeconds(60));
        await unblankButton.ClickAsync();
        await watcher.NextAsync(mapped: false, TimeSpan.FromSeconds(30));
    }

    for (var i = 0; i < cycles; i++)
    {
        // Random pauses (200–700 ms): the console sees state changes through a 250 ms revision poll, and a fixed
        // cycle period would lock onto its phase and report a biased latency.
        await Task.Delay(200 + Random.Shared.Next(500));
        await blankButton.WaitForAsync(); // the tile shows the button again once the unblank reached it
        watcher.Drain();
        var clicked = Stopwatch.GetTimestamp();
        await blankButton.ClickAsync();
        var mapped = await watcher.NextAsync(mapped: true, TimeSpan.FromSeconds(30));
        blanks.Add(Stopwatch.GetElapsedTime(clicked, mapped.Timestamp).TotalMilliseconds);

        await Task.Delay(200 + Random.Shared.Next(500));
        await unblankButton.WaitForAsync();
        clicked = Stopwatch.GetTimestamp();
        await unblankButton.ClickAsync();
        var unmapped = await watcher.NextAsync(mapped: false, TimeSpan.FromSeconds(30));
        unblanks.Add(Stopwatch.GetElapsedTime(clicked, unmapped.Timestamp).TotalMilliseconds);
    }

    return (blanks, unblanks);
}

async Task<List<double>> MeasureLiveAsync(IPage page)
{
    await page.EvaluateAsync(LiveObserverScript, deviceId);
    var names = Appliance.UpstreamNames;
    List<double> latencies = [];
    for (var i = -2; i < samples; i++) // two warm-up queries, not counted
    {
        var name = names[(i + names.Length) % names.Length];
        var sent = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds; // the page's clock: performance.timeOrigin + now()
        var answer = await Dig.QueryAsync(appliance.DnsPort, name, DeviceAddress);
        if (!answer.Contains("status: NOERROR", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"dig {name} from {DeviceAddress} failed:\n{answer}");
        }

        var shown = await page.WaitForFunctionAsync(
            "([name, sent]) => (window.__cgSeen.find(s => s.at >= sent && s.site.includes(name)) || {}).at",
            new object[] { name, sent }, new PageWaitForFunctionOptions { PollingInterval = 50, Timeout = 30_000 });
        var at = await shown.JsonValueAsync<double>();
        if (i >= 0)
        {
            latencies.Add(at - sent);
        }

        // 1–2 s apart, at random: each query in its own second of the DNS filter's per-second activity, and no
        // lock-step with the filter's flush, the writer's 1 s batches or the live view's 1 s reads.
        await Task.Delay(1000 + Random.Shared.Next(1000));
    }

    return latencies;
}

// 30 kiosks: a room each (with a device, assigned to the signed-in teacher), one page per room in the signed-in context;
// all live, then the console's RSS.
async Task<double> MeasureKiosksAsync(IBrowserContext context)
{
    var site = (await appliance.Store.Sites.ListSitesAsync(CancellationToken.None))[0];
    List<IPage> pages = [];
    for (var i = 1; i <= kiosks; i++)
    {
        var room = await appliance.Store.Sites.CreateRoomAsync(site.Id, string.Create(CultureInfo.InvariantCulture, $"Kiosk room {i:00}"), CancellationToken.None);
        await appliance.AddDeviceAsync(room, string.Create(CultureInfo.InvariantCulture, $"02:50:00:00:00:{i:x2}"),
            string.Create(CultureInfo.InvariantCulture, $"127.0.50.{i}"), string.Create(CultureInfo.InvariantCulture, $"K{i:00}-PC01"));
        // The signed-in teacher must have the room (a teacher sees only their rooms): one teacher with 30 rooms, as a
        // technician would assign them, rather than a wider role a kiosk never has.
        var assigned = await appliance.Store.TeacherRooms.AssignAsync(classroom.Teacher.Id, room.Id, CancellationToken.None);
        if (assigned != TeacherRoomOutcome.Assigned)
        {
            throw new InvalidOperationException($"assigning {room.Name} to {classroom.Teacher.UserName}: {assigned}");
        }

        var page = await context.NewPageAsync();
        await OpenRoomAsync(page, room.Id);
        pages.Add(page);
    }

    await Task.Delay(TimeSpan.FromSeconds(10)); // all feeds ticking, every circuit re-rendering with each snapshot
    var cpuBefore = CpuSeconds(appliance.Console.Id);
    var window = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(20));
    var cpuPercent = 100 * (CpuSeconds(appliance.Console.Id) - cpuBefore) / window.Elapsed.TotalSeconds;
    foreach (var page in pages)
    {
        if (await page.Locator("#live-status[data-state=live]").CountAsync() != 1 || await page.Locator("#components-reconnect-modal[open]").CountAsync() != 0)
        {
            throw new InvalidOperationException("a kiosk page is not live: " + page.Url);
        }
    }

    var rss = RssMb(appliance.Console.Id);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"console with {kiosks} kiosk circuits: rss {rss:0} MB, cpu {cpuPercent:0.0}% of one core over 20 s (pid {appliance.Console.Id})"));
    return rss;
}

static double RssMb(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    throw new InvalidOperationException("no VmRSS for pid " + pid);
}

// utime + stime of the process, in seconds (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s on Linux).
static double CpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

static int Argument(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Page script: records every change of the device tile's site or update stamp with a wall-clock time.</summary>
internal static partial class Program
{
    private const string LiveObserverScript = """
        (deviceId) => {
          window.__cgSeen = [];
          const record = () => {
            const tile = document.querySelector(`#tiles [data-device-id="${deviceId}"]`);
            if (!tile) return;
            const site = (tile.querySelector('.tile-site')?.textContent || '').trim();
            const updated = tile.dataset.updated || '';
            const last = window.__cgSeen[window.__cgSeen.length - 1];
            if (!last || last.site !== site || last.updated !== updated) {
              window.__cgSeen.push({ site, updated, at: performance.timeOrigin + performance.now() });
            }
          };
          new MutationObserver(record).observe(document.getElementById('room'), { subtree: true, childList: true, characterData: true, attributes: true });
          record();
        }
        """;
}
