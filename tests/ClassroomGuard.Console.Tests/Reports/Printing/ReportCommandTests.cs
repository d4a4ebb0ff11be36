using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using ClassroomGuard.Console.Commands;
using ClassroomGuard.Console.Tests.Reports.Support;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Reports.Printing;

/// <summary>
/// <c>report weekly|governors</c>: its command line read in process (nothing runs), then the real program as a process:
/// its exit codes, and a weekly and a governors' PDF over a generated week in SQLite and a real influxd.
/// </summary>
public sealed class ReportCommandTests : IDisposable
{
    private const string WeekForm = "YYYY-Www, for example 2026-W49";
    private const string DateForm = "YYYY-MM-DD, for example 2026-09-01";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cg-report-command-");

    public void Dispose() => _root.Delete(recursive: true);

    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["report", "weekly", "--week", "2026-W54", "--out", "w.pdf"], "2026 has weeks 1 to 53" },
        { ["report", "weekly", "--week", "2026-W54", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W00", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "49", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", " ", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W4 9", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W49x", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W-1", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W+9", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "２０２６-W49", "--out", "w.pdf"], WeekForm }, // full-width digits
        { ["report", "weekly", "--week", "1999-W10", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W49\n--State:Path=/etc/passwd", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "'; rm -rf / #", "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", new string('9', 5000), "--out", "w.pdf"], WeekForm },
        { ["report", "weekly", "--week", "2026-W49"], "--out" },
        { ["report", "weekly", "--out", "w.pdf"], "--week" },
        { ["report", "weekly", "--week", "2026-W49", "--out", ""], "--out" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w\u0000.pdf"], "--out" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w.pdf", "--site", " "], "--site" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w.pdf", "--save-html", "/nonexistent-folder/w.html"], "--save-html '/nonexistent-folder/w.html': its folder does not exist" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w.pdf", "--save-html", "/tmp/"], "--save-html" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w.pdf", "--save-html", ""], "--save-html" },
        { ["report", "weekly", "--week", "2026-W49", "--out", "w.pdf", "extra"], "unexpected argument" },
        { ["report", "governors", "--from", "2026-12-31", "--to", "2026-09-01", "--out", "g.pdf"], "is before --from 2026-12-31" },
        { ["report", "governors", "--from", "2026-09-01", "--to", "2028-09-01", "--out", "g.pdf"], "at most a year" },
        { ["report", "governors", "--from", "2026-13-01", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-02-30", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-9-1", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "01/09/2026", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-09-01T00:00", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "", "--to", "2026-12-31", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-09-01", "--to", "tomorrow", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-09-01", "--to", "\u202E13-21-6202", "--out", "g.pdf"], DateForm },
        { ["report", "governors", "--from", "2026-09-01", "--out", "g.pdf"], "--to" },
        { ["report", "quarterly", "--out", "q.pdf"], "Usage:" },
        { ["report"], "Usage:" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Parse_BadValue_Exit64WithTheExpectedFormAndNothingRuns(string[] args, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var ran = false;

        var exit = await ConsoleCommandLine.RunAsync(args, _ => { ran = true; return Task.FromResult(0); }, output, error);

        var message = error.ToString();
        Assert.Equal(64, exit);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("Usage:", message, StringComparison.Ordinal);
        Assert.False(ran);
        Assert.Empty(output.ToString());
        // A hostile value is echoed made safe: no control characters but the lines' own ends, nothing unbounded.
        Assert.DoesNotContain(message, c => char.IsControl(c) && c is not '\n' and not '\r');
        // The injected setting never starts a line of its own (where it would read as a setting).
        var lines = message.Split('\n').Where(l => !l.StartsWith("Usage:", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("--State:Path", StringComparison.Ordinal));
        Assert.True(message.Length < 2000, $"{message.Length} characters of error");
    }

    [Fact]
    public async Task Run_NoStateDatabase_Exits66()
    {
        var result = await ConsoleProcess.RunAsync("report", "weekly", "--week", "2026-W49", "--out", Path.Combine(_root.FullName, "w.pdf"),
            $"--State:Path={_root.FullName}/missing.db");

        Assert.Equal(66, result.ExitCode);
        Assert.Contains($"{_root.FullName}/missing.db", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "missing.db")));
    }

    [Fact]
    public async Task Run_ChromiumMissing_Exits69NamingTheSetting()
    {
        var state = CreateStateDatabase();

        var result = await ConsoleProcess.RunAsync("report", "governors", "--from", "2026-09-01", "--to", "2026-12-31", "--out", Path.Combine(_root.FullName, "g.pdf"),
            $"--State:Path={state}", "--Reports:ChromiumPath=/nonexistent/chromium", $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}");

        Assert.Equal(69, result.ExitCode);
        Assert.Contains("Reports:ChromiumPath", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/chromium", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_InfluxUnreachable_Exits69NamingTheAddressAndWritesNothing()
    {
        var state = CreateStateDatabase();
        var port = InfluxdServer.FreePort();
        var pdf = Path.Combine(_root.FullName, "w.pdf");

        var result = await ConsoleProcess.RunAsync("report", "weekly", "--week", "2026-W49", "--out", pdf, $"--State:Path={state}", $"--Influx:Url=http://127.0.0.1:{port}");

        Assert.Equal(69, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(pdf));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_OutputFolderMissing_Exits73()
    {
        var state = CreateStateDatabase();

        var result = await ConsoleProcess.RunAsync("report", "weekly", "--week", "2026-W49", "--out", Path.Combine(_root.FullName, "no-such-folder", "w.pdf"),
            $"--State:Path={state}", $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}");

        Assert.Equal(73, result.ExitCode);
        Assert.Contains("no-such-folder", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Run_OutputFolderNotWritable_Exits73BeforeReading()
    {
        // As the service's user is bound by the folder's mode (root without its capabilities here): a read-only folder.
        var state = CreateStateDatabase();
        var folder = _root.CreateSubdirectory("read-only");
        File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            // InfluxDB unreachable: a weekly report that read anything first would be exit 69, not 73.
            var result = await ConsoleProcess.RunAsync("/nonexistent/classroomguard", withoutPrivileges: true, "report", "weekly", "--week", "2026-W49",
                "--out", Path.Combine(folder.FullName, "w.pdf"), $"--State:Path={state}", $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}");

            Assert.True(result.ExitCode == 73, result.Stdout + result.Stderr);
            Assert.Contains(Path.Combine(folder.FullName, "w.pdf"), result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // a sentence, not a stack trace
            Assert.Empty(folder.GetFileSystemInfos());
        }
        finally
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Run_OutputInProc_Exits73WithoutACrash()
    {
        var state = CreateStateDatabase();

        var result = await ConsoleProcess.RunAsync("report", "governors", "--from", "2026-09-01", "--to", "2026-12-31", "--out", "/proc/g.pdf", $"--State:Path={state}");

        Assert.True(result.ExitCode == 73, result.Stdout + result.Stderr);
        Assert.Contains("/proc/g.pdf", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    [SupportedOSPlatform("linux")]
    public async Task Run_StoppedBySignalWhileChromiumStarts_ExitsWithTheSignalAndLeavesNothing(string signal, int exitCode)
    {
        // A Chromium that never answers holds the report in its launch, with its temporary HTML and partial PDF made.
        // (A fake: the real Chromium cannot be held there on demand. A shell loop keeps its path in its command line.)
        var state = CreateStateDatabase();
        var fake = Path.Combine(_root.FullName, "FakeHangingChromium");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\nwhile true; do sleep 1; done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = _root.CreateSubdirectory("tmp");
        var output = _root.CreateSubdirectory("out");
        var sawWork = false;

        var result = await ConsoleProcess.RunAsync("/nonexistent/classroomguard", withoutPrivileges: false, new Dictionary<string, string> { ["TMPDIR"] = temp.FullName }, async process =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (!ProcessesRunning(fake).Any() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            sawWork = temp.GetDirectories("cg-report-*").Length == 1 && output.GetFiles("*.partial").Length == 1;
            using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }, "report", "governors", "--from", "2026-09-01", "--to", "2026-12-31", "--out", Path.Combine(output.FullName, "g.pdf"),
            $"--State:Path={state}", $"--Reports:ChromiumPath={fake}");

        Assert.True(sawWork, "the report had not made its temporary HTML and partial PDF when it was stopped");
        Assert.True(result.ExitCode == exitCode, result.Stdout + result.Stderr);
        Assert.Contains("stopped", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(temp.GetDirectories("cg-report-*"));
        Assert.Empty(output.GetFileSystemInfos());
        var gone = DateTime.UtcNow.AddSeconds(10);
        while (ProcessesRunning(fake).Any() && DateTime.UtcNow < gone)
        {
            await Task.Delay(50);
        }

        Assert.Empty(ProcessesRunning(fake));
    }

    [Fact]
    public async Task Run_Printed_NoTemporaryFolderAndNoChromiumLeft()
    {
        var state = CreateStateDatabase();
        var temp = _root.CreateSubdirectory("tmp");
        var pdf = Path.Combine(_root.FullName, "g.pdf");

        var result = await ConsoleProcess.RunAsync("/nonexistent/classroomguard", withoutPrivileges: false, new Dictionary<string, string> { ["TMPDIR"] = temp.FullName }, null,
            "report", "governors", "--from", "2026-09-01", "--to", "2026-12-31", "--out", pdf, $"--State:Path={state}");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.True(File.Exists(pdf));
        Assert.Empty(temp.GetDirectories("cg-report-*"));
        // Chromium's profile folder is under TMPDIR, so its processes name it: none may outlive the command.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (RunningWith(temp.FullName).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Empty(RunningWith(temp.FullName));
    }

    private static IEnumerable<string> RunningWith(string text) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Select(ReadOrEmpty).Where(c => c.Contains(text, StringComparison.Ordinal));

    /// <summary>The fake's own shell (the console's command line names it too, as a setting).</summary>
    private static IEnumerable<string> ProcessesRunning(string path) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Select(ReadOrEmpty).Where(c => c.StartsWith("/bin/sh " + path, StringComparison.Ordinal));

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    [Fact]
    public async Task Run_UnknownSite_Exits64NamingTheSites()
    {
        var state = CreateStateDatabase();
        using (var store = StateStore.Open(new StateOptions { Path = state }))
        {
            await store.Sites.CreateSiteAsync("Upper School", CancellationToken.None);
        }

        var result = await ConsoleProcess.RunAsync("report", "weekly", "--week", "2026-W49", "--site", "Lower School", "--out", Path.Combine(_root.FullName, "w.pdf"),
            $"--State:Path={state}", $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("'Lower School'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Upper School", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GeneratedWeek_WeeklyAndGovernorsPdfsWithTheRightTotals()
    {
        await using var world = await WeeklyReportWorld.CreateAsync(new ReportWeekSpec { Devices = 40, Rooms = 4, Sites = 1 });
        var data = world.Data;
        var totals = data.Totals(null);
        string[] settings =
        [
            $"--State:Path={world.Store.Path}",
            $"--Influx:Url={world.Influxd.Url}",
            $"--Influx:Database={data.Influx.Database}",
            "--Reports:SchoolName=Generated Academy",
        ];
        var weeklyPdf = Path.Combine(_root.FullName, "weekly.pdf");
        var governorsPdf = Path.Combine(_root.FullName, "governors.pdf");

        var weekly = await ConsoleProcess.RunAsync(["report", "weekly", "--week", data.Spec.Week.ToString(), "--out", weeklyPdf, .. settings]);
        var governors = await ConsoleProcess.RunAsync(["report", "governors", "--from", "2026-11-01", "--to", "2026-12-06", "--out", governorsPdf, .. settings]);

        Assert.True(weekly.ExitCode == 0, weekly.Stdout + weekly.Stderr);
        Assert.True(governors.ExitCode == 0, governors.Stdout + governors.Stderr);
        var weeklyInfo = await PdfTools.InfoAsync(weeklyPdf);
        Assert.Contains($"path={weeklyPdf} bytes={new FileInfo(weeklyPdf).Length} pages={weeklyInfo["Pages"]} sha256=", weekly.Stdout, StringComparison.Ordinal);
        Assert.Contains("(A4)", weeklyInfo["Page size"], StringComparison.Ordinal);

        var text = await PdfTools.TextAsync(weeklyPdf);
        Assert.Contains("Generated Academy", text, StringComparison.Ordinal);
        Assert.Contains($"Page 1 of {weeklyInfo["Pages"]}", text, StringComparison.Ordinal);
        Assert.Contains(data.Period.Label, text, StringComparison.Ordinal);
        foreach (var section in (string[])["The week in numbers", "Devices seen", "DNS queries", "Blocks", "Circumvention attempts"])
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        Assert.Contains(Count(totals.Queries), text, StringComparison.Ordinal);
        Assert.Contains(Count(totals.Blocks), text, StringComparison.Ordinal);
        // The figure beside its own label (a bare number could match anywhere in the report).
        Assert.Matches(@"Devices seen\s+" + Regex.Escape(Count(totals.DevicesSeen.Count)) + @"\s+Week before", await PdfTools.RawTextAsync(weeklyPdf));

        var governorsText = await PdfTools.TextAsync(governorsPdf);
        Assert.Contains("Governors' report", governors.Stdout, StringComparison.Ordinal);
        Assert.Contains("Generated Academy", governorsText, StringComparison.Ordinal);
        Assert.Contains("Sun 1 Nov – Sun 6 Dec 2026", governorsText, StringComparison.Ordinal);
        Assert.Contains("Changes to filtering", governorsText, StringComparison.Ordinal);
        Assert.Contains("E-safety incidents", governorsText, StringComparison.Ordinal);
        foreach (var device in data.Devices)
        {
            Assert.DoesNotContain(device.Name, governorsText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(device.Mac, governorsText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(device.Ip, governorsText, StringComparison.Ordinal);
        }
    }

    private static string Count(long value) => ClassroomGuard.Console.Components.Pages.Reports.Weekly.WeeklyReportText.Count(value);

    private string CreateStateDatabase()
    {
        var path = Path.Combine(_root.FullName, "state.db");
        using var store = StateStore.Open(new StateOptions { Path = path });
        return path;
    }
}
