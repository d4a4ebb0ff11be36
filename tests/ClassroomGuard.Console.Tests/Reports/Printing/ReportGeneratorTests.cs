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
        app.Services.GetRequiredService<ReportGenerator>().SaveHtmlTo = html;

        await GenerateAsync(app, pdf, new PlaceholderReport("Hostile", 1, 2, Hostile(url)));

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
        // A fault that cannot be made with the real Chromium on demand: a program at the setting's path that dies at once.
        var fake = Path.Combine(_root.FullName, "FakeCrashingChromium");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'Trace/breakpoint trap' >&2\nexit 133\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var app = Services($"--Reports:ChromiumPath={fake}");
        var pdf = Path.Combine(_root.FullName, "none.pdf");

        var error = await Assert.ThrowsAsync<ChromiumUnavailableException>(() => GenerateAsync(app, pdf, new PlaceholderReport("x", 1, 1)));

        Assert.Contains(fake, error.Message, StringComparison.Ordinal);
        Assert.Contains("Reports:ChromiumPath", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Generate_ChromiumNeverAnswers_ClearErrorAndTheProcessIsGone()
    {
        // A fault the real Chromium does not make on demand: a program at the setting's path that starts and hangs.
        // (A shell loop, not exec: the process keeps the script's path in its command line, which is how it is found below.)
        var fake = Path.Combine(_root.FullName, "FakeHangingChromium");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\nwhile true; do sleep 1; done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var app = Services($"--Reports:ChromiumPath={fake}");

        var error = await Assert.ThrowsAsync<ChromiumUnavailableException>(() => GenerateAsync(app, Path.Combine(_root.FullName, "none.pdf"), new PlaceholderReport("x", 1, 1)));

        Assert.Contains("Reports:ChromiumPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not start", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
        await Task.Delay(1500);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists).Select(SafeRead), c => c.Contains(fake, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_ReadingOutlastsTheTimeout_AbandonedWithTheSettingNamed()
    {
        await using var app = Services("--Reports:Timeout=00:00:10");
        var generator = app.Services.GetRequiredService<ReportGenerator>();

        var error = await Assert.ThrowsAsync<ReportPrintingException>(() => generator.GenerateAsync(
            ReportKind.Weekly, ReportPeriod.OfWeek(Week49, TimeZoneInfo.Utc), null, Path.Combine(_root.FullName, "slow.pdf"), CancellationToken.None,
            async ct => { await Task.Delay(Timeout.Infinite, ct); throw new InvalidOperationException("unreachable"); }));

        Assert.Contains("Reports:Timeout", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.GetFiles("*.pdf*"));
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
        """;

    private static Task<GeneratedReport> GenerateAsync(WebApplication app, string pdf, PlaceholderReport report)
    {
        var period = ReportPeriod.OfWeek(Week49, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        return app.Services.GetRequiredService<ReportGenerator>().GenerateAsync(ReportKind.Weekly, period, null, pdf, CancellationToken.None,
            _ => Task.FromResult<(object, string, Type, string?)>((report, $"Weekly traffic report, {period.Label}", typeof(PlaceholderReportView), ReportViews.WeeklyStylesheet)));
    }

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
