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
            + $"WHERE time >= {ReportRollup.Ns(from)} AND time < {ReportRollup.Ns(to)} GROUP BY time({bucket}), *";
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
}
