using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Weekly;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Tests.Reports.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Reports;

/// <summary>A state database and a real influxd holding a generated week (<see cref="ReportWeekGenerator"/>), and a reader on them.</summary>
public sealed class WeeklyReportWorld : IAsyncDisposable
{
    private readonly string root;
    private InfluxConnection? connection;

    private WeeklyReportWorld(string root, InfluxdServer influxd, StateStore store)
    {
        this.root = root;
        Influxd = influxd;
        Store = store;
    }

    public InfluxdServer Influxd { get; }

    public StateStore Store { get; }

    public ReportWeekData Data { get; private set; } = null!;

    public InfluxOptions InfluxOptions { get; private set; } = null!;

    public ReportClock Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Every /query URL the reader sent (through <see cref="RecordingHandler"/>).</summary>
    public List<string> Queries { get; } = [];

    public static async Task<WeeklyReportWorld> CreateAsync(ReportWeekSpec? spec, string database = "report")
    {
        var root = Path.Combine(Path.GetTempPath(), "cg-weekly-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var influxd = await InfluxdServer.StartNewAsync();
        var store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db"), TimeZone = spec?.TimeZone ?? "Europe/London" });
        var world = new WeeklyReportWorld(root, influxd, store);
        if (spec is not null)
        {
            world.Data = await ReportWeekGenerator.GenerateAsync(spec, store, influxd.Url, database, CancellationToken.None);
            world.InfluxOptions = world.Data.Influx;
            world.Clock.Now = world.Data.Period.End.AddDays(1);
        }
        else
        {
            world.InfluxOptions = ReportWeekGenerator.Options(influxd.Url, database, DateTimeOffset.UtcNow.AddDays(-30));
            var options = Microsoft.Extensions.Options.Options.Create(world.InfluxOptions);
            using var c = new InfluxConnection(options);
            await new InfluxProvisioner(c, new InfluxReader(c, options), options, NullLogger<InfluxProvisioner>.Instance).ProvisionAsync(CancellationToken.None);
        }

        // A writer made from these options (the health tests') spools in the world's folder, never the appliance's
        // /var/lib/classroomguard/spool (the setting's default).
        world.InfluxOptions.SpoolDirectory = Path.Combine(root, "spool");
        return world;
    }

    /// <summary>A reader on the world's state and influxd, every request recorded.</summary>
    public WeeklyReportReader Reader(string timeZone = "Europe/London")
    {
        var options = Microsoft.Extensions.Options.Options.Create(InfluxOptions);
        connection ??= new InfluxConnection(options, new RecordingHandler(Queries));
        return new WeeklyReportReader(
            Store,
            new InfluxReader(connection, options),
            options,
            Microsoft.Extensions.Options.Options.Create(new StateOptions { TimeZone = timeZone }),
            Microsoft.Extensions.Options.Options.Create(new ReportOptions { SchoolName = "Test Academy" }),
            new AlertSeverities(Microsoft.Extensions.Options.Options.Create(new SafeguardingOptions())),
            Clock,
            NullLogger<WeeklyReportReader>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        connection?.Dispose();
        Store.Dispose();
        await Influxd.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>A clock set by the test.</summary>
    public sealed class ReportClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Passes requests on to influxd and records their URLs.</summary>
    private sealed class RecordingHandler(List<string> urls) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (urls)
            {
                urls.Add(request.RequestUri!.ToString());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
