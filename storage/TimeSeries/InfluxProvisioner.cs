using System.Globalization;
using ClassroomGuard.Storage.TimeSeries.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// Creates the database, the retention policies and the downsampling continuous queries from
/// <see cref="InfluxOptions"/>. Idempotent: run it at every start; it only changes what differs.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>raw</c> (default policy, <see cref="InfluxOptions.RawRetention"/>, 7 d)</term>
/// <description>per-second activity as written by dnsfilter and sniffer.</description></item>
/// <item><term><c>rollup_1m</c> (<see cref="InfluxOptions.MinuteRollupRetention"/>, 90 d)</term>
/// <description>per-minute sums of every numeric field (<c>sum_&lt;field&gt;</c>), all tags kept, by
/// <c>cq_rollup_1m</c>, recomputing the last 5 minutes every minute so slightly late points are included.</description></item>
/// <item><term><c>rollup_1h</c> (<see cref="InfluxOptions.HourRollupRetention"/>, 400 d)</term>
/// <description>hourly sums for weekly reports, by <c>cq_rollup_1h</c> (from raw, recomputing the last 2 hours).</description></item>
/// <item><term><c>blocks</c> (<see cref="InfluxOptions.BlockRetention"/>, 90 d)</term>
/// <description>the block history: <c>dns_blocks</c> copied point for point by <c>cq_blocks</c> (<see cref="BlockHistoryCopy"/>).</description></item>
/// <item><term><c>report_top</c> (<see cref="InfluxOptions.ReportTopRetention"/>, 35 d)</term>
/// <description>the weekly report's hourly top lists, by the console's <see cref="ReportRollup"/>.</description></item>
/// </list>
/// Audit data is not time series: it lives in the SQLite state store.
/// </remarks>
public sealed class InfluxProvisioner
{
    private readonly InfluxConnection _connection;
    private readonly InfluxReader _reader;
    private readonly InfluxOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a provisioner for the server and database in <paramref name="options"/>.</summary>
    public InfluxProvisioner(InfluxConnection connection, InfluxReader reader, IOptions<InfluxOptions> options, ILogger<InfluxProvisioner> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _reader = reader;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The retention policies provisioning creates: name, duration, and whether it is the default.</summary>
    public IReadOnlyList<(string Name, TimeSpan Duration, bool IsDefault)> RetentionPolicies =>
    [
        (InfluxOptions.RawPolicyName, _options.RawRetention, true),
        (InfluxOptions.MinutePolicyName, _options.MinuteRollupRetention, false),
        (InfluxOptions.HourPolicyName, _options.HourRollupRetention, false),
        (InfluxOptions.BlocksPolicyName, _options.BlockRetention, false),
        (InfluxOptions.ReportTopPolicyName, _options.ReportTopRetention, false),
    ];

    /// <summary>The continuous queries provisioning creates: name and full <c>CREATE</c> statement.</summary>
    public IReadOnlyList<(string Name, string Statement)> ContinuousQueries
    {
        get
        {
            var db = InfluxQl.QuoteIdentifier(_options.Database);
            var raw = InfluxQl.QuoteIdentifier(InfluxOptions.RawPolicyName);
            string Cq(string name, string policy, string every, string @for, string bucket) =>
                $"CREATE CONTINUOUS QUERY {InfluxQl.QuoteIdentifier(name)} ON {db} RESAMPLE EVERY {every} FOR {@for} BEGIN "
                + $"SELECT sum(*) INTO {db}.{InfluxQl.QuoteIdentifier(policy)}.:MEASUREMENT FROM {db}.{raw}./.*/ "
                + $"GROUP BY time({bucket}), * END";
            return
            [
                ("cq_rollup_1m", Cq("cq_rollup_1m", InfluxOptions.MinutePolicyName, "1m", "5m", "1m")),
                ("cq_rollup_1h", Cq("cq_rollup_1h", InfluxOptions.HourPolicyName, "1h", "2h", "1h")),
                (BlockHistoryCopy.Name, BlockHistoryCopy.Create(_options.Database)),
            ];
        }
    }

    /// <summary>
    /// Checks the server is up, then creates or corrects the database, retention policies and continuous queries.
    /// Returns the server version.
    /// </summary>
    /// <exception cref="InfluxException">The server is unreachable or refused (the message names URL and cause).</exception>
    public async Task<string?> ProvisionAsync(CancellationToken cancellationToken)
    {
        var ping = await _connection.PingAsync(cancellationToken);
        if (!ping.IsHealthy)
        {
            throw new InfluxException(ping.Error ?? $"InfluxDB at {_connection.Url} did not answer /ping.");
        }

        // Only 1.x is run by any test here (Debian's influxdb); 2.x and 3.x answer the v1 API only in part (no
        // retention-policy or continuous-query statements), so a silent half-working start is refused instead.
        if (ping.Version is { Length: > 0 } version && !version.TrimStart('v').StartsWith("1.", StringComparison.Ordinal))
        {
            throw new InfluxException(
                $"InfluxDB at {_connection.Url} is version {version}; ClassroomGuard works with InfluxDB 1.x only "
                + "(Debian's influxdb package, which set-up installs). Point Influx:Url at an InfluxDB 1.x server.");
        }

        var db = InfluxQl.QuoteIdentifier(_options.Database);
        await _reader.QueryAsync($"CREATE DATABASE {db}", cancellationToken);

        var existing = new Dictionary<string, (TimeSpan Duration, bool IsDefault)>(StringComparer.Ordinal);
        var shown = await _reader.QueryAsync($"SHOW RETENTION POLICIES ON {db}", cancellationToken);
        foreach (var series in shown.Series)
        {
            int name = series.ColumnIndex("name"), duration = series.ColumnIndex("duration"), isDefault = series.ColumnIndex("default");
            foreach (var row in series.Rows)
            {
                existing[row[name].AsString()] = (ParseGoDuration(row[duration].AsString()), row[isDefault].AsBoolean());
            }
        }

        var blocksCreated = false;
        foreach (var (name, duration, makeDefault) in RetentionPolicies)
        {
            var text = $"{InfluxQl.QuoteIdentifier(name)} ON {db} DURATION {FormatDuration(duration)} REPLICATION 1{(makeDefault ? " DEFAULT" : string.Empty)}";
            if (!existing.TryGetValue(name, out var current))
            {
                await _reader.QueryAsync("CREATE RETENTION POLICY " + text, cancellationToken);
                Log.ProvisionChanged(_logger, "created retention policy", name);
                blocksCreated |= name == InfluxOptions.BlocksPolicyName;
            }
            else if (current.Duration != duration || (makeDefault && !current.IsDefault))
            {
                await _reader.QueryAsync("ALTER RETENTION POLICY " + text, cancellationToken);
                Log.ProvisionChanged(_logger, "altered retention policy", name);
            }
        }

        foreach (var (name, statement) in ContinuousQueries)
        {
            try
            {
                // 1.x accepts an identical CREATE again; a different one fails with "already exists".
                await _reader.QueryAsync(statement, cancellationToken);
            }
            catch (InfluxQueryException ex) when (ex.ServerError?.Contains("already exists", StringComparison.Ordinal) == true)
            {
                await _reader.QueryAsync($"DROP CONTINUOUS QUERY {InfluxQl.QuoteIdentifier(name)} ON {db}", cancellationToken);
                await _reader.QueryAsync(statement, cancellationToken);
                Log.ProvisionChanged(_logger, "replaced continuous query", name);
            }
        }

        if (blocksCreated)
        {
            await BackfillBlocksAsync(cancellationToken);
        }

        Log.Provisioned(_logger, _connection.Url, ping.Version, _options.Database);
        return ping.Version;
    }

    /// <summary>
    /// Once, when the <c>blocks</c> policy is created (an upgrade to a version with the block history): copies the
    /// <c>dns_blocks</c> points already in <c>raw</c> (up to <see cref="InfluxOptions.RawRetention"/>) into it, a day per
    /// statement, so the history does not start empty while the last week's blocks are still kept. The copy is the
    /// continuous query's own (<see cref="BlockHistoryCopy"/>): a point copied twice is the same point. A day InfluxDB
    /// refuses is logged and skipped (it stays in <c>raw</c> for its retention).
    /// </summary>
    private async Task BackfillBlocksAsync(CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(1);
        var start = end - _options.RawRetention - TimeSpan.FromMinutes(1);
        var copy = BlockHistoryCopy.Select(_options.Database);
        var days = 0;
        for (var from = start; from < end; from = from.AddDays(1))
        {
            var to = from.AddDays(1) < end ? from.AddDays(1) : end;
            try
            {
                await _reader.QueryAsync(
                    $"{copy} WHERE time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)} GROUP BY time(1s), * fill(none)", cancellationToken);
                days++;
            }
            catch (InfluxQueryException ex)
            {
                Log.BlocksBackfillFailed(_logger, from, to, ex.Message);
            }
        }

        Log.BlocksBackfilled(_logger, days, start, end);
    }


    /// <summary>Formats a duration as InfluxQL: whole hours as <c>168h</c>, else minutes.</summary>
    internal static string FormatDuration(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerHour == 0
        ? ((long)duration.TotalHours).ToString(CultureInfo.InvariantCulture) + "h"
        : ((long)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Parses a Go duration as InfluxDB shows it (<c>168h0m0s</c>, <c>0s</c> = infinite).</summary>
    internal static TimeSpan ParseGoDuration(string text)
    {
        var total = TimeSpan.Zero;
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            var number = double.Parse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            span = span[digits..];
            var unit = 0;
            while (unit < span.Length && !char.IsAsciiDigit(span[unit]))
            {
                unit++;
            }

            total += span[..unit] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                _ => throw new FormatException($"Unknown duration unit in '{text}'."),
            };
            span = span[unit..];
        }

        return total;
    }
}
