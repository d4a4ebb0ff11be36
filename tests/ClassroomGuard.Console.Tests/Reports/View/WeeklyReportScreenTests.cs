using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Reports.View;

/// <summary>
/// The weekly report page's service over a real state database: roles checked again on every call, the default week
/// (the last complete one, in the school's time zone), and the choices it refuses before reading anything.
/// </summary>
public sealed class WeeklyReportScreenTests : IDisposable
{
    private static CancellationToken Token => CancellationToken.None;
    private readonly AdminTestContext context = new();

    public void Dispose() => context.Dispose();

    /// <summary>
    /// The service at a fixed instant. These cases are refused before the reader is asked, so none is given (the reader,
    /// being built in its own part of issue #14, is tested over a real influxd there).
    /// </summary>
    private WeeklyReportScreen Screen(DateTimeOffset now)
        => new(context.Store, null!, new SchoolClock(Options.Create(context.StateOptions), new FixedTime(now)), NullLogger<WeeklyReportScreen>.Instance);

    private async Task<ClassroomGuard.Console.Security.ConsoleUser> ActorAsync(string name, Role role) => AdminTestContext.Actor(await context.UserAsync(name, name + " Person", role));

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    public async Task Choices_And_Read_RoleWithoutTheReport_AreRefused(Role role)
    {
        var screen = Screen(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var actor = await ActorAsync("someone", role);

        Assert.Null(await screen.ChoicesAsync(actor, Token));
        Assert.Null(await screen.ChoicesAsync(null, Token));
        var outcome = await screen.ReadAsync(actor, null, new IsoWeek(2026, 49), Token);
        Assert.Null(outcome.Report);
        Assert.Equal("Only technicians, administrators and the safeguarding lead can read the weekly traffic report.", outcome.Problem);
    }

    [Fact]
    public async Task Choices_OnAMonday_DefaultToTheWeekJustEnded_AndOnlyAdministrationRolesLinkDevices()
    {
        await context.RoomAsync("Oak Lane", "Room 4");
        await context.RoomAsync("Birch Hill", "Hall");
        var screen = Screen(new DateTimeOffset(2026, 12, 7, 0, 30, 0, TimeSpan.Zero)); // Monday 00:30 in London

        var technician = (await screen.ChoicesAsync(await ActorAsync("tech", Role.Technician), Token))!;
        var lead = (await screen.ChoicesAsync(await ActorAsync("dsl", Role.SafeguardingLead), Token))!;

        Assert.Equal(new IsoWeek(2026, 49), technician.LastComplete);
        Assert.Equal(new IsoWeek(2026, 50), technician.Current);
        Assert.Equal(["Birch Hill", "Oak Lane"], technician.Sites.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.True(technician.LinkDevices);
        Assert.False(lead.LinkDevices);
    }

    [Fact]
    public async Task Choices_LateSundayInSummerTime_TheWeekIsTheSchoolsNotUtcs()
    {
        // 23:30 UTC on Sunday 28 June 2026 is 00:30 on Monday 29 June in London: week 26 has just ended there.
        var screen = Screen(new DateTimeOffset(2026, 6, 28, 23, 30, 0, TimeSpan.Zero));

        var choices = (await screen.ChoicesAsync(await ActorAsync("tech", Role.Technician), Token))!;

        Assert.Equal(new IsoWeek(2026, 26), choices.LastComplete);
        Assert.Equal(new IsoWeek(2026, 27), choices.Current);
    }

    [Fact]
    public async Task Read_AWeekNotYetBegun_IsRefusedNamingTheLatest()
    {
        var screen = Screen(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

        var outcome = await screen.ReadAsync(await ActorAsync("tech", Role.Technician), null, new IsoWeek(2026, 51), Token);

        Assert.Null(outcome.Report);
        Assert.Equal("2026-W51 has not started yet: the latest week is 2026-W50 (this week, so far).", outcome.Problem);
    }

    [Fact]
    public async Task Read_ASiteNoLongerThere_IsRefused()
    {
        var room = await context.RoomAsync("Oak Lane", "Room 4");
        var screen = Screen(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

        var outcome = await screen.ReadAsync(await ActorAsync("tech", Role.Technician), room.SiteId + 1000, new IsoWeek(2026, 49), Token);

        Assert.Null(outcome.Report);
        Assert.Equal("That site is no longer on the appliance: choose another.", outcome.Problem);
    }

    [Fact]
    public async Task Read_InfluxDbNotAnswering_SaysSoInWordsWithoutAStackTrace()
    {
        // The real reader, pointed at a loopback port where nothing listens: InfluxDB is down.
        var now = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var influx = Options.Create(new InfluxOptions { Url = new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"), RequestTimeout = TimeSpan.FromSeconds(5) });
        using var connection = new InfluxConnection(influx);
        var reader = new WeeklyReportReader(context.Store, new InfluxReader(connection, influx), influx, Options.Create(context.StateOptions),
            Options.Create(new ReportOptions()), new AlertSeverities(Options.Create(new SafeguardingOptions())), new FixedTime(now), NullLogger<WeeklyReportReader>.Instance);
        var screen = new WeeklyReportScreen(context.Store, reader, new SchoolClock(Options.Create(context.StateOptions), new FixedTime(now)), NullLogger<WeeklyReportScreen>.Instance);

        var outcome = await screen.ReadAsync(await ActorAsync("tech", Role.Technician), null, new IsoWeek(2026, 49), Token);

        Assert.Null(outcome.Report);
        Assert.StartsWith("The report could not be read because InfluxDB, which keeps the traffic and DNS figures,", outcome.Problem, StringComparison.Ordinal);
        Assert.Contains("Filtering is not affected.", outcome.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", outcome.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", outcome.Problem, StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
