using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// Reports made on request cannot pile up: the same report asked for again within <see cref="GenerateResult.ReusedFor"/>
/// is the one just kept (no second PDF, row or Chromium run); while one generation runs and another waits, a third
/// request is refused at once as busy (the download answers 429 with Retry-After), never queued without end.
/// </summary>
public sealed class ReportOnDemandLimitsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SameReportAskedAgain_WithinTenMinutes_TheKeptOneIsReused_AfterThatANewOne()
    {
        using var world = new ReportWorld(Start, o => o.Governors.Enabled = false);
        var technician = await TechnicianAsync(world);
        var form = new GenerateReportForm { Week = "2026-W43" };

        var first = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, form, ReportWorld.None);
        world.Clock.Advance(TimeSpan.FromMinutes(9));
        var again = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, form, ReportWorld.None);
        var otherWeek = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W42" }, ReportWorld.None);

        Assert.Equal(first.Report!.Id, again.Report!.Id);
        Assert.NotEqual(first.Report.Id, otherWeek.Report!.Id);
        Assert.Equal(2, world.Generator.Calls.Count);
        Assert.Equal(2, Directory.GetFiles(world.Folder, "*.pdf").Length);

        world.Clock.Advance(TimeSpan.FromMinutes(2)); // 11 minutes after the first
        var later = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, form, ReportWorld.None);
        Assert.NotEqual(first.Report.Id, later.Report!.Id);
        Assert.Equal(3, world.Generator.Calls.Count);
    }

    [Fact]
    public async Task OneRunning_OneWaiting_AThirdIsRefusedAsBusy_TheOthersFinish()
    {
        using var world = new ReportWorld(Start, o => o.Governors.Enabled = false);
        var technician = await TechnicianAsync(world);
        world.Generator.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W43" }, ReportWorld.None);
        await WaitUntilAsync(() => world.Generator.Started == 1);
        var waiting = world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W42" }, ReportWorld.None);
        await WaitUntilAsync(() => world.Archive.Generating == 2); // queued: it cannot start while the first holds the printer

        var refused = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W41" }, ReportWorld.None);
        Assert.True(refused.Busy);
        Assert.Null(refused.Report);
        Assert.Equal("Other reports are being generated right now. Try again in a minute.", refused.Problems[string.Empty]);
        Assert.Equal(1, world.Generator.Started);

        world.Generator.Hold.SetResult();
        Assert.NotNull((await running).Report);
        Assert.NotNull((await waiting).Report);
        Assert.Equal(["weekly 2026-W43 site -", "weekly 2026-W42 site -"], world.Generator.Calls);

        var afterwards = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W41" }, ReportWorld.None);
        Assert.NotNull(afterwards.Report); // nothing left counted as running
    }

    [Fact]
    public async Task GenerationFails_ThePersonReadsAFixedSentence_NotTheExceptionsText()
    {
        using var world = new ReportWorld(Start, o => o.Governors.Enabled = false);
        var technician = await TechnicianAsync(world);
        world.Generator.FailNext = 1;

        var failed = await world.Reports.GenerateAsync(technician, ReportKind.Weekly, new GenerateReportForm { Week = "2026-W43" }, ReportWorld.None);

        Assert.Null(failed.Report);
        Assert.False(failed.Busy);
        Assert.Equal($"The report could not be generated: {ReportFailureWords.Unexpected}. Try again; if it fails again, ask the school's technician (the console's log has the detail).",
            failed.Problems[string.Empty]);
        Assert.Equal("it took longer than Reports:Timeout allows", ReportFailureWords.Of(new TaskCanceledException()));
        Assert.Equal("the reports folder (Reports:Directory) could not be written", ReportFailureWords.Of(new UnauthorizedAccessException("/var/lib/secret/path")));
        Assert.Equal(ReportFailureWords.Unexpected, ReportFailureWords.Of(new InvalidOperationException("SQLite Error 5: 'database is locked' at /var/lib/classroomguard/state.db")));
    }

    private static async Task<ConsoleUser> TechnicianAsync(ReportWorld world)
    {
        var user = await world.UserAsync("tech", Role.Technician, "tech@school.example");
        return new ConsoleUser(user.Id, "tech", "Tech", new HashSet<Role> { Role.Technician }, false);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }
}
