using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Dashboard;

/// <summary>
/// Reads a <see cref="SchoolOverview"/>: the state database (rooms, devices, teacher actions, open alerts), one InfluxDB
/// request of five statements (the services' latest <c>service_health</c>, today's blocks by category, devices seen
/// in the online window, blocks in the last hour by room), a ping, the data folder's file system and the certificate.
/// When InfluxDB does not answer, the state part is still read and the series are marked unavailable with the reason.
/// </summary>
internal sealed class SchoolOverviewReader(
    StateStore store, InfluxReader influx, InfluxConnection connection, InfluxWriter writer, IOptions<InfluxOptions> influxOptions,
    IOptions<StateOptions> stateOptions, IOptions<ConsoleOptions> consoleOptions, AgentBlankState agents, TimeProvider time,
    ILogger<SchoolOverviewReader> logger)
{
    /// <summary>How far back a service's report is looked for (older ones count as none).</summary>
    public static readonly TimeSpan ReportWindow = TimeSpan.FromMinutes(10);

    /// <summary>Longest wait for InfluxDB (ping and query each): a hung server must not hold the page.</summary>
    public static readonly TimeSpan SeriesTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(stateOptions.Value.TimeZone);

    /// <summary>The school's midnight before <paramref name="now"/>, as an instant.</summary>
    public DateTimeOffset MidnightBefore(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).Date;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The state database's revision now (a cheap read): whether a kept overview is still current.</summary>
    public Task<long> StateRevisionAsync(CancellationToken cancellationToken) => store.GetRevisionAsync(cancellationToken);

    /// <summary>Reads everything now.</summary>
    public async Task<SchoolOverview> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revision = await store.GetRevisionAsync(cancellationToken);
        var rooms = await store.Sites.ListRoomsAsync(null, cancellationToken);
        var devices = await store.Devices.ListAsync(null, cancellationToken);
        var actions = await store.TeacherActions.ActiveAtAsync(now, null, cancellationToken);
        var alerts = (await store.Alerts.ListUnacknowledgedAsync(cancellationToken)).OrderByDescending(a => a.At).ThenByDescending(a => a.Id).ToList();

        var influxState = await PingAsync(cancellationToken);
        var series = new SeriesFigures();
        string? problem = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SeriesTimeout);
            var result = await influx.QueryAsync(BuildQuery(now), timeout.Token);
            series = ReadSeries(result);
        }
        catch (InfluxException e)
        {
            problem = e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"InfluxDB gave no answer within {SeriesTimeout.TotalSeconds:0} seconds";
        }

        if (problem is not null)
        {
            Log.DashboardSeriesUnavailable(logger, problem);
        }

        var onlineSince = now - consoleOptions.Value.OnlineWindow;
        var online = devices.Where(d => d.LastSeen >= onlineSince).Select(d => d.Id)
            .Concat(agents.ConnectedDevices).Concat(series.SeenDevices).ToHashSet();
        online.IntersectWith(devices.Select(d => d.Id));

        return new SchoolOverview(now, influxState, series.Services, problem, Disk(), Certificate(), series.BlocksToday, rooms, devices, online,
            series.BlocksByRoom, actions, alerts) { StateRevision = revision };
    }

    /// <summary>The one request: five statements, answered together.</summary>
    internal string BuildQuery(DateTimeOffset now)
    {
        var rp = InfluxQl.QuoteIdentifier(influxOptions.Value.RetentionPolicy) + ".";
        var upTo = " AND time <= " + InfluxQl.Time(now);
        var online = InfluxQl.Time(now - consoleOptions.Value.OnlineWindow);
        return string.Join(";\n",
            $"SELECT * FROM {rp}\"{Measurements.ServiceHealth}\" WHERE time >= {InfluxQl.Time(now - ReportWindow)}{upTo} GROUP BY \"component\" ORDER BY time DESC LIMIT 1",
            $"SELECT sum(*) FROM {rp}\"{Measurements.DnsCategories}\" WHERE time >= {InfluxQl.Time(MidnightBefore(now))}{upTo}",
            $"SELECT last(\"queries\") FROM {rp}\"{Measurements.DnsActivity}\" WHERE time >= {online}{upTo} GROUP BY \"device\"",
            $"SELECT last(\"bytes_in\") FROM {rp}\"{Measurements.NetActivity}\" WHERE time >= {online}{upTo} GROUP BY \"device\"",
            $"SELECT sum(\"blocked\") FROM {rp}\"{Measurements.DnsActivity}\" WHERE time >= {InfluxQl.Time(now.AddHours(-1))}{upTo} GROUP BY \"room\"");
    }

    private static SeriesFigures ReadSeries(InfluxQueryResult result)
    {
        var figures = new SeriesFigures();
        var statements = result.Statements;
        if (statements.Count < 5)
        {
            return figures;
        }

        foreach (var s in statements[0].Series)
        {
            if (s.Rows.Count > 0 && s.Tags.TryGetValue("component", out var component) && component.Length > 0)
            {
                var row = s.Rows[0];
                var fields = new Dictionary<string, long>(StringComparer.Ordinal);
                for (var c = 1; c < s.Columns.Count && c < row.Length; c++)
                {
                    if (row[c].Kind is InfluxValueKind.Integer or InfluxValueKind.Float)
                    {
                        fields[s.Columns[c]] = (long)row[c].AsDouble();
                    }
                }

                figures.Services[component] = new ServiceReport(row[0].AsTime(), fields);
            }
        }

        foreach (var s in statements[1].Series)
        {
            for (var c = 1; c < s.Columns.Count && s.Rows.Count > 0; c++)
            {
                const string prefix = "sum_blocked_";
                if (s.Columns[c].StartsWith(prefix, StringComparison.Ordinal) && Long(s.Rows[0], c) is > 0 and var count)
                {
                    figures.BlocksToday.Add(new CategoryCount(s.Columns[c][prefix.Length..], count));
                }
            }
        }

        figures.BlocksToday.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Category, b.Category));
        foreach (var s in statements[2].Series.Concat(statements[3].Series))
        {
            if (Id(s, "device") is { } device && s.Rows.Count > 0)
            {
                figures.SeenDevices.Add(device);
            }
        }

        foreach (var s in statements[4].Series)
        {
            if (Id(s, "room") is { } room && s.Rows.Count > 0)
            {
                figures.BlocksByRoom[room] = Long(s.Rows[0], 1);
            }
        }

        return figures;
    }

    private async Task<InfluxState> PingAsync(CancellationToken cancellationToken)
    {
        var spool = writer.GetStatistics().SpoolPoints;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SeriesTimeout);
        try
        {
            var ping = await connection.PingAsync(timeout.Token);
            return new InfluxState(ping.IsHealthy, ping.Version, ping.IsHealthy ? null : ping.Error ?? "no answer", spool);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new InfluxState(false, null, $"no answer within {SeriesTimeout.TotalSeconds:0} seconds", spool);
        }
    }

    private DiskState Disk()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(stateOptions.Value.Path)) ?? "/";
        try
        {
            var drive = new DriveInfo(folder);
            return new DiskState(folder, drive.AvailableFreeSpace, drive.TotalSize, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new DiskState(folder, null, null, e.Message);
        }
    }

    private CertificateState Certificate()
    {
        var path = consoleOptions.Value.CertificatePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return new CertificateState(null, null, "none is configured (Console:CertificatePath is empty): the console is served over plain HTTP on this machine only");
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return new CertificateState(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), certificate.Subject, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return new CertificateState(null, null, $"the file {path} could not be read ({e.Message})");
        }
    }

    private static long? Id(InfluxSeries series, string tag)
        => series.Tags.TryGetValue(tag, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static long Long(InfluxValue[] row, int column)
        => column < row.Length && row[column].Kind is InfluxValueKind.Integer or InfluxValueKind.Float ? (long)row[column].AsDouble() : 0;


    private sealed class SeriesFigures
    {
        public Dictionary<string, ServiceReport> Services { get; } = new(StringComparer.Ordinal);

        public List<CategoryCount> BlocksToday { get; } = [];

        public HashSet<long> SeenDevices { get; } = [];

        public Dictionary<long, long> BlocksByRoom { get; } = [];
    }
}
