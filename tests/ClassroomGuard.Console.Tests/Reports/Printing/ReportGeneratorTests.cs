using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ClassroomGuard.Console.Commands;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Reports.Printing;

/// <summary>
/// The printer end to end, in process: a report view (the tests' own placeholder until the real views land) rendered by
/// the console's services, printed by Debian's Chromium, read back with poppler's pdftotext and pdfinfo.
/// </summary>
public sealed partial class ReportGeneratorTests : IDisposable
{
    private static readonly IsoWeek Week49 = new(2026, 49);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cg-printing-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Generate_LongReport_A4PagesWithSchoolTitlePeriodGeneratedTimeAndPageNumbers()
    {
        await using var app = Services("--Reports:SchoolName=Hillside Academy");
        var output = _root.CreateSubdirectory("out");
        var pdf = Path.Combine(output.FullName, "weekly.pdf");

        var report = await GenerateAsync(app, pdf, new PlaceholderReport("Placeholder weekly report", Sections: 6, RowsPerSection: 40));

        var info = await PdfTools.InfoAsync(pdf);
        Assert.Matches(@"^595\.\d* x 841\.\d* pts \(A4\)$|^595\.\d* x 842\.\d* pts \(A4\)$", info["Page size"]);
        var pages = int.Parse(info["Pages"], CultureInfo.InvariantCulture);
        Assert.True(pages >= 3, $"240 rows should take several pages, not {pages}");
        Assert.Equal(pages, PdfPages.Count(pdf));

        var text = await PdfTools.TextAsync(pdf);
        var sheets = text.Split('\f', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Trim().Length > 0).ToList();
        Assert.Equal(pages, sheets.Count);
        for (var page = 1; page <= pages; page++)
        {
            var sheet = sheets[page - 1];
            Assert.Contains($"Page {page} of {pages}", sheet, StringComparison.Ordinal);
            Assert.Contains("Hillside Academy", sheet, StringComparison.Ordinal);
            Assert.Contains("Mon 30 Nov – Sun 6 Dec 2026", sheet, StringComparison.Ordinal);
            Assert.Matches(GeneratedLine(), sheet);
        }

        for (var section = 1; section <= 6; section++)
        {
            Assert.Contains($"Section {section}", text, StringComparison.Ordinal);
            Assert.Contains($"Room {section}.40", text, StringComparison.Ordinal);
        }

        Assert.Contains("Printed copy.", text, StringComparison.Ordinal); // Print=true reached the view
        Assert.Equal(pdf, report.Path);
        Assert.Equal(new FileInfo(pdf).Length, report.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(pdf))), report.Sha256);
        Assert.Equal("Weekly traffic report, Mon 30 Nov – Sun 6 Dec 2026", report.Title);
        Assert.Equal(["weekly.pdf"], output.GetFiles().Select(f => f.Name)); // no partial file left behind
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pdf)); // it names devices: its owner's only
        }
    }

    [Fact]
    public async Task Generate_NoSchoolNameSetting_HeaderNamesTheSites()
    {
        await using var app = Services();
        var store = app.Services.GetRequiredService<StateStore>();
        await store.Sites.CreateSiteAsync("North Campus", CancellationToken.None);
        await store.Sites.CreateSiteAsync("South Campus", CancellationToken.None);
        var pdf = Path.Combine(_root.FullName, "sites.pdf");

        await GenerateAsync(app, pdf, new PlaceholderReport("Sites", 1, 3));

        var text = await PdfTools.TextAsync(pdf);
        Assert.Contains("North Campus, South Campus", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_ScriptAndRemoteImageInTheView_ScriptDoesNotRunAndNothingIsFetched()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        await using var app = Services();
        var pdf = Path.Combine(_root.FullName, "hostile.pdf");
        var html = Path.Combine(_root.FullName, "saved.html");

        await GenerateAsync(app, pdf, new PlaceholderReport("Hostile", 1, 2, Hostile(url)), saveHtmlTo: html);

        var text = await PdfTools.TextAsync(pdf);
        Assert.Contains("static text", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SCRIPT RAN", text, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "Chromium connected to the loopback listener: a request left the document");
        var saved = await File.ReadAllTextAsync(html);
        Assert.Contains("size: A4", saved, StringComparison.Ordinal); // report.css inlined
        Assert.Contains("Content-Security-Policy", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_RawHtmlWithoutOurPolicy_ChromiumItselfRunsNoScriptAndRefusesRequests()
    {
        // The printer's own defences, without the document's content security policy: JavaScript off, requests refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        await using var app = Services();
        var html = Path.Combine(_root.FullName, "raw.html");
        await File.WriteAllTextAsync(html, $"<!DOCTYPE html><html><body><h1>Raw</h1>{Hostile(url)}</body></html>");
        var pdf = Path.Combine(_root.FullName, "raw.pdf");

        await app.Services.GetRequiredService<ChromiumPrinter>().PrintAsync(html, new PageFurniture("School", "Raw", "Generated now"), pdf, CancellationToken.None);

        var text = await PdfTools.TextAsync(pdf);
        Assert.Contains("static text", text, StringComparison.Ordinal);
        Assert.Contains("data image", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SCRIPT RAN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal); // file:///etc/passwd was not framed
        Assert.False(listener.Pending(), "Chromium connected to the loopback listener: a request left the document");
    }

    [Fact]
    public async Task Generate_ChromiumPathWrong_ClearErrorNamingTheSettingAndNoFile()
    {
        await using var app = Services("--Reports:ChromiumPath=/nonexistent/chromium");
        var pdf = Path.Combine(_root.FullName, "none.pdf");

        var error = await Assert.ThrowsAsync<ChromiumUnavailableException>(() => GenerateAsync(app, pdf, new PlaceholderReport("x", 1, 1)));

        Assert.Contains("/nonexistent/chromium", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reports:ChromiumPath", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Generate_ChromiumCrashesAtStart_ClearErrorNamingTheSettingAndNoFile()
    {
        // A program at the setting's path that dies at once, saying why on stderr as Chromium does. The launch limit is
        // long here: the exit is noticed, not waited out, and the reason is Chromium's own line.
        var fake = await WriteFakeChromiumAsync("FakeCrashingChromium", "echo 'Trace/breakpoint trap (core dumped)' >&2\nexit 133");
        await using var app = Services($"--Reports:ChromiumPath={fake}");
        app.Services.GetRequiredService<ChromiumPrinter>().LaunchTimeout = TimeSpan.FromMinutes(5);
        var pdf = Path.Combine(_root.FullName, "none.pdf");

        var error = await Assert.ThrowsAsync<ChromiumUnavailableException>(() => GenerateAsync(app, pdf, new PlaceholderReport("x", 1, 1))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains(fake, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("did not start: Trace/breakpoint trap (core dumped).", StringComparison.Ordinal), error.Message);
        Assert.Contains("Reports:ChromiumPath", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Generate_ChromiumNeverAnswers_ClearErrorAndTheProcessIsGone()
    {
        // A program at the setting's path that starts and hangs. (A shell loop, not exec: the process keeps the script's
        // path in its command line, which is how it is found below.)
        var fake = await WriteFakeChromiumAsync("FakeHangingChromium", "while true; do sleep 1; done");
        await using var app = Services($"--Reports:ChromiumPath={fake}");
        app.Services.GetRequiredService<ChromiumPrinter>().LaunchTimeout = TimeSpan.FromSeconds(2);

        var error = await Assert.ThrowsAsync<ChromiumUnavailableException>(() => GenerateAsync(app, Path.Combine(_root.FullName, "none.pdf"), new PlaceholderReport("x", 1, 1)));

        Assert.Contains("Reports:ChromiumPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not start", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcessesRunning(fake).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Empty(ProcessesRunning(fake));
    }

    [Fact]
    public async Task Generate_ReadingOutlastsTheTimeout_AbandonedWithTheSettingNamed()
    {
        await using var app = Services();
        var generator = app.Services.GetRequiredService<ReportGenerator>();

        var error = await Assert.ThrowsAsync<ReportPrintingException>(() => generator.GenerateAsync(
            ReportKind.Weekly, ReportPeriod.OfWeek(Week49, TimeZoneInfo.Utc), null, Path.Combine(_root.FullName, "slow.pdf"), CancellationToken.None,
            async ct => { await Task.Delay(Timeout.Infinite, ct); throw new InvalidOperationException("unreachable"); }, timeout: TimeSpan.FromSeconds(1)));

        Assert.Contains("Reports:Timeout", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
        Assert.Empty(_root.GetFiles(".*.partial"));
    }

    [Fact]
    public async Task Generate_QueuedBehindAnother_ItsTimeoutStartsWhenItsTurnComes()
    {
        await using var app = Services();
        var generator = app.Services.GetRequiredService<ReportGenerator>();
        var period = ReportPeriod.OfWeek(Week49, TimeZoneInfo.Utc);
        var release = new TaskCompletionSource();
        var firstReading = new TaskCompletionSource();
        var first = generator.GenerateAsync(ReportKind.Weekly, period, null, Path.Combine(_root.FullName, "first.pdf"), CancellationToken.None,
            async ct => { firstReading.SetResult(); await release.Task.WaitAsync(ct); throw new InvalidOperationException("first done"); });
        await firstReading.Task;

        // Queued for 2 s with a 1 s timeout: it must still be read when its turn comes, not abandoned in the queue.
        var second = generator.GenerateAsync(ReportKind.Weekly, period, null, Path.Combine(_root.FullName, "second.pdf"), CancellationToken.None,
            _ => throw new InvalidOperationException("second read"), timeout: TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(second.IsCompleted, "the second report did not wait for the first");
        release.SetResult();

        Assert.Equal("first done", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("second read", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Empty(_root.GetFiles("*.pdf*"));
        Assert.Empty(_root.GetFiles(".*.partial"));
    }

    [Fact]
    public async Task Generate_OutputNotWritable_RefusedBeforeAnythingIsRead()
    {
        // /proc takes no new files, even from root.
        await using var app = Services();
        var read = false;

        var error = await Assert.ThrowsAsync<ReportOutputException>(() => app.Services.GetRequiredService<ReportGenerator>().GenerateAsync(
            ReportKind.Weekly, ReportPeriod.OfWeek(Week49, TimeZoneInfo.Utc), null, "/proc/g.pdf", CancellationToken.None,
            _ => { read = true; throw new InvalidOperationException("read"); }));

        Assert.Contains("/proc/g.pdf", error.Message, StringComparison.Ordinal);
        Assert.False(read);
    }

    [Fact]
    public async Task Generate_OutputFolderMissing_RefusedBeforeAnythingIsRead()
    {
        await using var app = Services();
        var read = false;

        var error = await Assert.ThrowsAsync<ReportOutputException>(() => app.Services.GetRequiredService<ReportGenerator>().GenerateAsync(
            ReportKind.Weekly, ReportPeriod.OfWeek(Week49, TimeZoneInfo.Utc), null, Path.Combine(_root.FullName, "missing", "x.pdf"), CancellationToken.None,
            _ => { read = true; throw new InvalidOperationException("read"); }));

        Assert.Contains(Path.Combine(_root.FullName, "missing"), error.Message, StringComparison.Ordinal);
        Assert.False(read);
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string Hostile(string url) =>
        $"""
        <p id="victim">static text</p>
        <script>document.getElementById('victim').textContent = 'SCRIPT RAN'; document.write('SCRIPT RAN');</script>
        <img src="{url}/pixel.png" alt="" onerror="document.body.append('SCRIPT RAN')">
        <link rel="stylesheet" href="{url}/remote.css">
        <div style="background-image: url('{url}/background.png')">styled</div>
        <iframe src="{url}/frame"></iframe>
        <img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/%3E" alt="data image"><span>data image</span>
        <div><iframe src="file:///etc/passwd"></iframe><img src="file:///usr/share/pixmaps/debian-logo.png" alt=""></div>
        """;

    private static Task<GeneratedReport> GenerateAsync(WebApplication app, string pdf, PlaceholderReport report, string? saveHtmlTo = null)
    {
        var period = ReportPeriod.OfWeek(Week49, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        return app.Services.GetRequiredService<ReportGenerator>().GenerateAsync(ReportKind.Weekly, period, null, pdf, CancellationToken.None,
            _ => Task.FromResult<(object, string, Type, string?)>((report, $"Weekly traffic report, {period.Label}", typeof(PlaceholderReportView), ReportViews.WeeklyStylesheet)),
            saveHtmlTo);
    }

    /// <summary>A program at the Chromium setting's path that makes a fault the real Chromium does not make on demand.</summary>
    [SupportedOSPlatform("linux")]
    private async Task<string> WriteFakeChromiumAsync(string name, string body)
    {
        var fake = Path.Combine(_root.FullName, name);
        await File.WriteAllTextAsync(fake, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return fake;
    }

    private static IEnumerable<string> ProcessesRunning(string path) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists).Select(SafeRead).Where(c => c.Contains(path, StringComparison.Ordinal));

    private WebApplication Services(params string[] settings) => ReportCommand.BuildServices(
    [
        $"--State:Path={_root.FullName}/state.db",
        $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}",
        $"--Influx:SpoolDirectory={_root.FullName}/spool",
        $"--Console:DataProtectionKeysPath={_root.FullName}/keys",
        .. settings,
    ]);

    [GeneratedRegex(@"Generated (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}")]
    private static partial Regex GeneratedLine();
}
