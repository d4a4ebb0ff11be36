// bench/blank.sh's program (issue #5). Starts the appliance's real processes on loopback, a pupil agent on an Xvfb
// display, and measures two paths a teacher sees:
//   blank — the teacher's POST /classroom/blank (sent as the tile's button sends it, signed in, antiforgery) → the
//           agent's window MapNotify on the X display; unblank likewise → UnmapNotify. Stamped by an X client of our
//           own (XMapWatcher) in this process, on the same monotonic clock as the send.
//   live  — a DNS query (dig -b <the device's address>) through the DNS filter → the device's tile in the live
//           classroom view (Chromium via Playwright) showing the name; stamped in the page by a MutationObserver on
//           the wall clock, against the wall clock taken here just before dig starts.
// Prints, last: "blank p95_ms=N" then "live p95_ms=N".
using System.Diagnostics;
using System.Globalization;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Classroom.Benchmarks;
using Microsoft.Playwright;

var cycles = Argument("--cycles", 50);
var samples = Argument("--samples", 50);
const string DeviceAddress = "127.0.0.23";

Console.WriteLine($"loadavg at start: {File.ReadAllText("/proc/loadavg").Trim()}");
await using var appliance = await Appliance.StartAsync();
await using var display = await XDisplay.StartAsync();
var classroom = await appliance.AddClassroomAsync("Bench room", "benchteacher");
await using var agent = await PupilAgent.StartAsync(appliance, classroom, display);
var deviceId = await appliance.AssignAddressAsync(agent.Mac, DeviceAddress);
Console.WriteLine($"appliance up: console {appliance.ConsoleUrl}, DNS filter 127.0.0.1:{appliance.DnsPort}, agent device {deviceId} on X {display.Name} with address {DeviceAddress}");

var (blank, unblank, post) = await MeasureBlankAsync();
Console.WriteLine(Percentiles.Describe("POST answered", post));
Console.WriteLine(Percentiles.Describe("unblank (POST → UnmapNotify)", unblank));
Console.WriteLine(Percentiles.Describe("blank (POST → MapNotify)", blank));

var live = await MeasureLiveAsync();
if (live is not null)
{
    Console.WriteLine(Percentiles.Describe("live (dig → tile shows the name)", live));
}

Console.WriteLine($"loadavg at end: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"blank p95_ms={Percentiles.Of(blank, 95):0}"));
Console.WriteLine(live is null ? "live p95_ms=NA" : string.Create(CultureInfo.InvariantCulture, $"live p95_ms={Percentiles.Of(live, 95):0}"));
return 0;

async Task<(List<double> Blank, List<double> Unblank, List<double> Post)> MeasureBlankAsync()
{
    using var watcher = XMapWatcher.Start(display.Name, "ClassroomGuard blank");
    using var teacher = await TeacherClient.SignInAsync(appliance, classroom.Teacher.UserName, Appliance.TeacherPassword);
    List<double> blanks = [], unblanks = [], posts = [];

    // Warm-up (not counted): the agent's first connection, and the first run of every code path (JIT).
    for (var i = 0; i < 3; i++)
    {
        await teacher.PostAsync("blank", classroom.Room.Id, deviceId);
        await watcher.NextAsync(mapped: true, TimeSpan.FromSeconds(60));
        await teacher.PostAsync("unblank", classroom.Room.Id, deviceId);
        await watcher.NextAsync(mapped: false, TimeSpan.FromSeconds(30));
    }

    for (var i = 0; i < cycles; i++)
    {
        // Random pauses (200–700 ms): the console sees state changes through a 250 ms revision poll, and a fixed
        // cycle period would lock onto its phase and report a biased latency.
        await Task.Delay(200 + Random.Shared.Next(500));
        watcher.Drain();
        var sent = Stopwatch.GetTimestamp();
        await teacher.PostAsync("blank", classroom.Room.Id, deviceId);
        posts.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        var mapped = await watcher.NextAsync(mapped: true, TimeSpan.FromSeconds(30));
        blanks.Add(Stopwatch.GetElapsedTime(sent, mapped.Timestamp).TotalMilliseconds);

        await Task.Delay(200 + Random.Shared.Next(500));
        sent = Stopwatch.GetTimestamp();
        await teacher.PostAsync("unblank", classroom.Room.Id, deviceId);
        posts.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        var unmapped = await watcher.NextAsync(mapped: false, TimeSpan.FromSeconds(30));
        unblanks.Add(Stopwatch.GetElapsedTime(sent, unmapped.Timestamp).TotalMilliseconds);
    }

    return (blanks, unblanks, posts);
}

async Task<List<double>?> MeasureLiveAsync()
{
    var (playwright, browser) = await Chromium.LaunchAsync(appliance.Certificate.Pin);
    try
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Chromium.ClassroomDisplay, BaseURL = appliance.ConsoleUrl.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#username", classroom.Teacher.UserName);
        await page.FillAsync("#password", Appliance.TeacherPassword);
        await page.ClickAsync("form button[type=submit]");
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 90_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("bench-signin-failed.png") });
            throw new InvalidOperationException("the teacher's sign-in in Chromium did not leave /signin; see bench-signin-failed.png: "
                + await page.Locator("[role=alert]").AllInnerTextsAsync().ContinueWith(t => string.Join(" ", t.Result), TaskScheduler.Default));
        }
        await page.GotoAsync("/rooms/" + classroom.Room.Id.ToString(CultureInfo.InvariantCulture));
        if (await page.Locator("main#room #live-status").CountAsync() == 0)
        {
            Console.WriteLine("live: the room page has no live view (main#room #live-status): not measured");
            return null;
        }

        await page.Locator("#live-status[data-state=live]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
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

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("bench-live-1920x1080.png") });
        return latencies;
    }
    finally
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
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
            const tile = document.querySelector(`article.tile[data-device-id="${deviceId}"]`);
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
