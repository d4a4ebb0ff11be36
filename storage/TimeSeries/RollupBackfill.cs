using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>Which rollups <see cref="RollupBackfill"/> makes.</summary>
[Flags]
public enum RollupScope
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>rollup_1m</c>: what <c>cq_rollup_1m</c> does.</summary>
    Minute = 1,

    /// <summary><c>rollup_1h</c>: what <c>cq_rollup_1h</c> does.</summary>
    Hour = 2,

    /// <summary>The report rollup (<see cref="ReportRollup"/>), hour by hour.</summary>
    Report = 4,

    /// <summary>All three.</summary>
    All = Minute | Hour | Report,
}

/// <summary>
/// Makes the rollups for a past time range, which the continuous queries never will (they recompute only the last few
/// minutes or hours): the CQs' own statements (<c>SELECT sum(*) INTO &lt;db&gt;.&lt;rp&gt;.:MEASUREMENT FROM
/// &lt;db&gt;.raw./.*/ … GROUP BY time(..), *</c>) over the range, a day per statement, then the report rollup hour by
/// hour. For points replayed late from a spool, for an upgrade, and for tests and benchmarks that write a past week.
/// The range is widened to whole hours. Running it twice writes the same points again.
/// </summary>
public sealed class RollupBackfill
{
    private readonly InfluxReader reader;
    private readonly ReportRollup report;
    private readonly InfluxOptions options;
    private readonly ILogger log;

    /// <summary>Creates the backfill on the configured database.</summary>
    public RollupBackfill(InfluxReader reader, ReportRollup report, IOptions<InfluxOptions> options, ILogger<RollupBackfill>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        this.reader = reader;
        this.report = report;
        this.options = options.Value;
        log = logger ?? NullLogger<RollupBackfill>.Instance;
    }

    /// <summary>The statement that fills <paramref name="policy"/> in <paramref name="bucket"/>s for [from, to).</summary>
    public static string Statement(string database, string policy, string bucket, DateTimeOffset from, DateTimeOffset to)
    {
        var db = InfluxQl.QuoteIdentifier(database);
        return $"SELECT sum(*) INTO {db}.{InfluxQl.QuoteIdentifier(policy)}.:MEASUREMENT FROM {db}.{InfluxQl.QuoteIdentifier(InfluxOptions.RawPolicyName)}./.*/ "
            + $"WHERE time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)} GROUP BY time({bucket}), *";
    }

    /// <summary>
    /// Rolls up [<paramref name="from"/>, <paramref name="to"/>) (widened to whole hours). Returns the report hours
    /// written. A day InfluxDB refuses is logged and the backfill goes on.
    /// </summary>
    public async Task<int> RunAsync(DateTimeOffset from, DateTimeOffset to, RollupScope scope, CancellationToken cancellationToken)
    {
        from = ReportRollup.HourOf(from);
        to = ReportRollup.HourOf(to) == to ? to : ReportRollup.HourOf(to).AddHours(1);
        var statements = 0;
        foreach (var (flag, policy, bucket) in new[] { (RollupScope.Minute, InfluxOptions.MinutePolicyName, "1m"), (RollupScope.Hour, InfluxOptions.HourPolicyName, "1h") })
        {
            if (!scope.HasFlag(flag))
            {
                continue;
            }

            for (var day = from; day < to; day = day.AddDays(1))
            {
                var end = day.AddDays(1) < to ? day.AddDays(1) : to;
                try
                {
                    await reader.QueryAsync(Statement(options.Database, policy, bucket, day, end), cancellationToken);
                    statements++;
                }
                catch (InfluxQueryException ex)
                {
                    ReportRollupLog.BackfillRefused(log, policy, day, end, ex.Message);
                }
            }
        }

        var hours = 0;
        if (scope.HasFlag(RollupScope.Report))
        {
            for (var hour = from; hour < to; hour = hour.AddHours(1))
            {
                await report.RollUpHourAsync(hour, cancellationToken);
                hours++;
            }
        }

        ReportRollupLog.Backfilled(log, from, to, statements, hours);
        return hours;
    }

    /// <summary>
    /// Finds the past hours still in <c>raw</c> whose hourly rollup missed points that reached <c>raw</c> late (a writer's
    /// spool replayed after InfluxDB was unreachable for longer than the continuous query's 2 hours) and rolls them up
    /// again (<see cref="RollupScope.Hour"/> and <see cref="RollupScope.Report"/>). Cheap: for each complete hour since
    /// <paramref name="now"/> − <see cref="InfluxOptions.RawRetention"/> it compares the sum of <c>service_health</c>'s
    /// <c>reporting_minutes</c> in <c>raw</c> (one per service and minute, spooled like every other point) with
    /// <c>sum_reporting_minutes</c> in <c>rollup_1h</c>. At most <paramref name="maxHours"/> hours, oldest first (they
    /// leave <c>raw</c> first). Returns the hours rolled up again.
    /// </summary>
    public async Task<int> ReconcileAsync(DateTimeOffset now, int maxHours, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHours);
        var from = ReportRollup.HourOf(now - options.RawRetention).AddHours(1);
        var to = ReportRollup.HourOf(now);
        if (to <= from)
        {
            return 0;
        }

        var db = InfluxQl.QuoteIdentifier(options.Database);
        var range = $"time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)}";
        var health = InfluxQl.QuoteIdentifier(Measurements.ServiceHealth);
        var query =
            $"SELECT sum(\"reporting_minutes\") FROM {db}.{InfluxQl.QuoteIdentifier(InfluxOptions.RawPolicyName)}.{health} WHERE {range} GROUP BY time(1h) fill(none); "
            + $"SELECT sum(\"sum_reporting_minutes\") FROM {db}.{InfluxQl.QuoteIdentifier(InfluxOptions.HourPolicyName)}.{health} WHERE {range} GROUP BY time(1h) fill(none)";
        var raw = new Dictionary<DateTimeOffset, double>();
        var rolled = new Dictionary<DateTimeOffset, double>();
        await foreach (var series in reader.StreamAsync(query, InfluxReader.DefaultChunkSize, cancellationToken))
        {
            var into = series.StatementId == 0 ? raw : rolled;
            foreach (var row in series.Rows)
            {
                if (row.Length > 1 && !row[1].IsNull)
                {
                    into[row[0].AsTime()] = row[1].Kind == InfluxValueKind.Integer ? row[1].AsInt64() : row[1].AsDouble();
                }
            }
        }

        var late = raw.Where(h => h.Value > 0 && Math.Abs(h.Value - rolled.GetValueOrDefault(h.Key)) > 0.5)
            .Select(h => h.Key).Order().Take(maxHours).ToList();
        var hours = 0;
        for (var i = 0; i < late.Count;)
        {
            // Consecutive hours in one backfill (a day per statement).
            var start = late[i];
            var end = start.AddHours(1);
            for (i++; i < late.Count && late[i] == end; i++)
            {
                end = end.AddHours(1);
            }

            hours += await RunAsync(start, end, RollupScope.Hour | RollupScope.Report, cancellationToken);
        }

        if (late.Count > 0)
        {
            RollupReconcileLog.LateHoursRolledUp(log, late.Count, late[0], late[^1]);
        }

        return hours;
    }
}
