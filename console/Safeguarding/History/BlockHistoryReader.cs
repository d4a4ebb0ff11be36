using System.Globalization;
using System.Runtime.CompilerServices;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>Which kind of rule blocked (the <c>reason</c> field of <c>dns_blocks</c>, grouped as a person asks).</summary>
public enum BlockRuleKind
{
    /// <summary>A category the group blocks, or an always-on list (reasons Category, AlwaysOn).</summary>
    List,

    /// <summary>A deny-list entry (reason Deny).</summary>
    Deny,

    /// <summary>A teacher's pause or lesson focus (reasons Pause, Focus).</summary>
    TeacherAction,

    /// <summary>A circumvention name (reason Circumvention).</summary>
    Circumvention,
}

/// <summary>What to look for: every part optional but the period; all given parts must match.</summary>
/// <param name="From">First instant (inclusive).</param>
/// <param name="To">Last instant (exclusive).</param>
/// <param name="DeviceIds">Only these devices (tag <c>device</c>); null = any device or address. Never empty.</param>
/// <param name="Ip">Only this client address (field <c>ip</c>, as the DNS filter writes it).</param>
/// <param name="DomainSuffix">Only this name and its subdomains (field <c>domain</c>).</param>
/// <param name="Category">Only this category key (field <c>category</c>).</param>
/// <param name="Group">Only this group key (field <c>group</c>).</param>
/// <param name="Rule">Only this kind of rule (field <c>reason</c>).</param>
public sealed record BlockCriteria(
    DateTimeOffset From, DateTimeOffset To, IReadOnlyList<long>? DeviceIds = null, string? Ip = null, string? DomainSuffix = null,
    string? Category = null, string? Group = null, BlockRuleKind? Rule = null);

/// <summary>One stored block, as written by the DNS filter (docs/dns-policy.md "dns_blocks").</summary>
public sealed record BlockRecord(
    long TimeNs, long? DeviceId, string? Client, string? RoomId, string N, string Domain, string Category, string Reason, string Rule,
    string Group, string Ip, string Mac, long Count)
{
    /// <summary>When (UTC).</summary>
    public DateTimeOffset At => DateTimeOffset.UnixEpoch.AddTicks(TimeNs / 100);

    /// <summary>The series within the second: with <see cref="TimeNs"/>, unique, and the order of rows within one second.</summary>
    public string Key { get; } = string.Join('\u001f', DeviceId?.ToString(CultureInfo.InvariantCulture) ?? "", Client ?? "", RoomId ?? "", N);
}

/// <summary>
/// Where a page ended. With a <paramref name="Key"/>: the last row's time and series; the next page starts with the rows of
/// that second after it. Without: every row before <paramref name="TimeNs"/> is still to come (a page that stopped
/// searching at the start of a time window it had read whole).
/// </summary>
public readonly record struct BlockCursor(long TimeNs, string? Key);

/// <summary>A page of rows, newest first, and the cursor of the next (older) page, or null at the end.</summary>
/// <param name="Rows">The rows; fewer than asked for when the search stopped early (see <paramref name="SearchedBackTo"/>).</param>
/// <param name="Next">Where the next page starts, or null when nothing older matches.</param>
/// <param name="SearchedBackTo">When the page is short but there is more to search: how far back this page searched.</param>
public sealed record BlockRecordPage(IReadOnlyList<BlockRecord> Rows, BlockCursor? Next, DateTimeOffset? SearchedBackTo = null);

/// <summary>
/// Reads the block history (<c>blocks.dns_blocks</c>) newest first, a page at a time, with a keyset cursor on
/// (time, series) instead of OFFSET, so every page reads about a page whatever its depth. Rows of one second (several
/// devices, several blocks of one device) are ordered by their series key, which the cursor carries, so paging visits
/// every row exactly once. All text in the InfluxQL is quoted by <see cref="InfluxQl"/> / <see cref="InfluxQlPatterns"/>.
/// </summary>
public sealed class BlockHistoryReader(InfluxReader influx)
{
    internal const string Columns = "\"domain\", \"category\", \"reason\", \"rule\", \"group\", \"ip\", \"mac\", \"count\", \"device\", \"client\", \"room\", \"n\"";
    private static readonly string Source = InfluxQl.QuoteIdentifier(InfluxOptions.BlocksPolicyName) + "." + InfluxQl.QuoteIdentifier(Measurements.DnsBlocks);

    /// <summary>Most rows a page may ask for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The first time window a page searches; each next one is 4 times longer, up to <see cref="MaxWindow"/>.</summary>
    public static readonly TimeSpan FirstWindow = TimeSpan.FromMinutes(15);

    /// <summary>The longest window one request searches (a school day of a large school: its blocks in ~0.1 s).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(6);

    /// <summary>After this long searching, a page that has found fewer rows than asked returns them with a cursor.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(300);

    /// <summary>One page of up to <paramref name="size"/> rows after <paramref name="after"/> (null: from the newest).</summary>
    public Task<BlockRecordPage> PageAsync(BlockCriteria criteria, BlockCursor? after, int size, CancellationToken cancellationToken)
        => PageAsync(criteria, after, size, DefaultBudget, cancellationToken);

    /// <summary>
    /// One page of up to <paramref name="size"/> rows after <paramref name="after"/>, newest first. The period is searched
    /// backwards in time windows (<see cref="FirstWindow"/>, growing 4×, up to <see cref="MaxWindow"/> when a condition is on
    /// a field), so a page of common
    /// blocks reads minutes, not the whole retention; a rare match may need every window, so once
    /// <paramref name="budget"/> has passed the page returns what it found with a cursor at the start of the last window
    /// searched (each page then costs at most the budget plus one window; "Older" searches on).
    /// </summary>
    public async Task<BlockRecordPage> PageAsync(BlockCriteria criteria, BlockCursor? after, int size, TimeSpan budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxPageSize);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var where = Where(criteria);
        var fieldConditions = criteria.Ip is not null || criteria.DomainSuffix is not null || criteria.Category is not null || criteria.Group is not null || criteria.Rule is not null;
        var from = Ns(criteria.From);
        var rows = new List<BlockRecord>(size + 1);
        var moreAtCursorSecond = false;
        if (after is { Key: { } key } cursor)
        {
            // The rest of the cursor's second: only rows of one second, bounded by the devices writing in it.
            var second = Rows((await influx.QueryAsync(Locate(where, "time = " + cursor.TimeNs.ToString(CultureInfo.InvariantCulture)), cancellationToken)).Statements[0])
                .Where(r => string.CompareOrdinal(r.Key, key) > 0).ToList();
            second.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            rows.AddRange(second.Take(size));
            moreAtCursorSecond = second.Count > size;
            if (rows.Count == size)
            {
                return new BlockRecordPage(await FetchAsync(rows, cancellationToken), moreAtCursorSecond || await AnyBeforeAsync(where, from, cursor.TimeNs, cancellationToken) ? Cursor(rows[^1]) : null);
            }
        }

        var high = after?.TimeNs ?? Ns(criteria.To);
        var window = FirstWindow.Ticks * 100;
        while (high > from)
        {
            var low = Math.Max(from, high - window);
            var need = size - rows.Count;
            var older = Rows((await influx.QueryAsync(
                Locate(where, $"time >= {low.ToString(CultureInfo.InvariantCulture)} AND time < {high.ToString(CultureInfo.InvariantCulture)}")
                + " ORDER BY time DESC LIMIT " + (need + 1).ToString(CultureInfo.InvariantCulture), cancellationToken)).Statements[0]);
            older.Sort(Newest);
            if (older.Count > need)
            {
                // More rows than needed: the seconds newer than the last one taken are complete; that second may have been
                // cut anywhere by LIMIT (InfluxDB orders rows within a second as it likes), so read it whole.
                var last = older[need - 1].TimeNs;
                rows.AddRange(older.Where(r => r.TimeNs > last));
                var boundary = Rows((await influx.QueryAsync(Locate(where, "time = " + last.ToString(CultureInfo.InvariantCulture)), cancellationToken)).Statements[0]);
                boundary.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                rows.AddRange(boundary.Take(size - rows.Count));
                return new BlockRecordPage(await FetchAsync(rows, cancellationToken), Cursor(rows[^1]));
            }

            // Everything in this window: complete seconds, ordered like the cursor orders them.
            rows.AddRange(older);
            high = low;
            // Without conditions on fields (everything, or devices: tags only), InfluxDB finds a window's newest rows cheaply
            // however long it is, so it grows without a cap and an empty history is read to its start in a few requests.
            // A field condition (site, category, …) is evaluated on every row of the window: those stay at MaxWindow.
            window = NextWindow(window, fieldConditions ? MaxWindow.Ticks * 100 : LongestWindow);
            if (rows.Count == size)
            {
                return new BlockRecordPage(await FetchAsync(rows, cancellationToken), high > from && await AnyBeforeAsync(where, from, high, cancellationToken) ? Cursor(rows[^1]) : null);
            }

            if (high > from && System.Diagnostics.Stopwatch.GetElapsedTime(started) >= budget)
            {
                return new BlockRecordPage(await FetchAsync(rows, cancellationToken), new BlockCursor(high, null), DateTimeOffset.UnixEpoch.AddTicks(high / 100));
            }
        }

        return new BlockRecordPage(await FetchAsync(rows, cancellationToken), null);
    }

    // Whether any row matches before `before` (one row, newest first: the same read a next page would start with).
    private async Task<bool> AnyBeforeAsync(string where, long from, long before, CancellationToken cancellationToken)
        => Rows((await influx.QueryAsync(
            Locate(where, $"time >= {from.ToString(CultureInfo.InvariantCulture)} AND time < {before.ToString(CultureInfo.InvariantCulture)}") + " ORDER BY time DESC LIMIT 1",
            cancellationToken)).Statements[0]).Count > 0;

    /// <summary>
    /// The first page as one InfluxQL statement over the whole period (no time windows): what a plain LIMIT query costs.
    /// The benchmark sends it to InfluxDB with curl, as the peer of <see cref="PageAsync(BlockCriteria, BlockCursor?, int, CancellationToken)"/>.
    /// </summary>
    public static string PageQuery(BlockCriteria criteria, BlockCursor? after, int size)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var upper = after?.TimeNs ?? Ns(criteria.To);
        return Select(Where(criteria), $"time >= {Ns(criteria.From).ToString(CultureInfo.InvariantCulture)} AND time < {upper.ToString(CultureInfo.InvariantCulture)}")
            + " ORDER BY time DESC LIMIT " + (size + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of the criteria, newest first, read <paramref name="pageSize"/> at a time (never all at once).</summary>
    public async IAsyncEnumerable<BlockRecord> AllAsync(BlockCriteria criteria, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BlockCursor? cursor = null;
        do
        {
            var page = await PageAsync(criteria, cursor, pageSize, cancellationToken);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }

    /// <summary>The WHERE conditions of the criteria, without the time range.</summary>
    internal static string Where(BlockCriteria criteria)
    {
        var parts = new List<string>();
        if (criteria.DeviceIds is { } ids)
        {
            if (ids.Count == 0)
            {
                throw new ArgumentException("An empty device list matches nothing: do not query.", nameof(criteria));
            }

            parts.Add("(" + string.Join(" OR ", ids.Select(id => "\"device\" = " + InfluxQl.QuoteString(id.ToString(CultureInfo.InvariantCulture)))) + ")");
        }

        if (criteria.Ip is { } ip)
        {
            parts.Add(Equal("ip", ip));
        }

        if (criteria.DomainSuffix is { } domain)
        {
            parts.Add("\"domain\" =~ " + InfluxQlPatterns.DomainSuffix(domain));
        }

        if (criteria.Category is { } category)
        {
            parts.Add(Equal("category", category));
        }

        if (criteria.Group is { } group)
        {
            parts.Add(Equal("group", group));
        }

        if (criteria.Rule is { } rule)
        {
            parts.Add("(" + string.Join(" OR ", Reasons(rule).Select(r => "\"reason\" = " + InfluxQl.QuoteString(r))) + ")");
        }

        return string.Join(" AND ", parts);
    }

    // A string field equal to a value. InfluxQL has no escape for a carriage return in a string literal (its scanner reads
    // one as a newline, which ends the literal), so a value holding one is matched by an anchored regex of escapes instead.
    private static string Equal(string field, string value)
        => InfluxQl.QuoteIdentifier(field) + (value.Contains('\r', StringComparison.Ordinal) ? " =~ " + InfluxQlPatterns.Exactly(value) : " = " + InfluxQl.QuoteString(value));

    /// <summary>The DNS filter's reasons (BlockReason names) a kind of rule covers.</summary>
    internal static IReadOnlyList<string> Reasons(BlockRuleKind rule) => rule switch
    {
        BlockRuleKind.List => ["Category", "AlwaysOn"],
        BlockRuleKind.Deny => ["Deny"],
        BlockRuleKind.TeacherAction => ["Pause", "Focus"],
        _ => ["Circumvention"],
    };

    // The page's rows in full. The search above reads only the series and one small field (the conditions' fields are read
    // by InfluxDB to evaluate them): InfluxDB 1.x opens a cursor per series and field for every series a statement's tags
    // allow, so reading all eight fields of every device in a window cost ~10× more. Here every field is read for just the
    // seconds the page holds (runs of seconds less than 10 s apart become one range) and just the devices (or addresses)
    // of its rows, in one request; rows are then picked by series.
    private async Task<List<BlockRecord>> FetchAsync(List<BlockRecord> located, CancellationToken cancellationToken)
    {
        if (located.Count == 0)
        {
            return located;
        }

        var ordered = located.OrderBy(r => r.TimeNs).ToList();
        var statements = new List<string>();
        for (int i = 0, j; i < ordered.Count; i = j)
        {
            for (j = i + 1; j < ordered.Count && ordered[j].TimeNs - ordered[j - 1].TimeNs <= 10 * TimeSpan.TicksPerSecond * 100; j++)
            {
            }

            var run = ordered.GetRange(i, j - i);
            var series = run.Select(r => r.DeviceId is { } id
                    ? "\"device\" = " + InfluxQl.QuoteString(id.ToString(CultureInfo.InvariantCulture))
                    : "\"client\" = " + InfluxQl.QuoteString(r.Client ?? string.Empty))
                .Distinct(StringComparer.Ordinal);
            statements.Add(Select("(" + string.Join(" OR ", series) + ")",
                $"time >= {run[0].TimeNs.ToString(CultureInfo.InvariantCulture)} AND time <= {run[^1].TimeNs.ToString(CultureInfo.InvariantCulture)}"));
        }

        var found = new Dictionary<(long, string), BlockRecord>();
        for (var k = 0; k < statements.Count; k += 25)
        {
            var result = await influx.QueryAsync(string.Join(';', statements.Skip(k).Take(25)), cancellationToken);
            foreach (var statement in result.Statements)
            {
                foreach (var row in Rows(statement))
                {
                    found[(row.TimeNs, row.Key)] = row;
                }
            }
        }

        // A row found by the search is in the fetch unless it expired between the two reads: then it is left out.
        return [.. located.Select(r => found.GetValueOrDefault((r.TimeNs, r.Key))).OfType<BlockRecord>()];
    }

    private static string Locate(string where, string time)
        => $"SELECT \"count\", \"device\", \"client\", \"room\", \"n\" FROM {Source} WHERE {(where.Length == 0 ? time : where + " AND " + time)}";

    private static string Select(string where, string time)
        => $"SELECT {Columns} FROM {Source} WHERE {(where.Length == 0 ? time : where + " AND " + time)}";

    // Nanoseconds since 1970 as InfluxQL writes times, clamped to 1970-2200: no block is older or newer, and a period
    // typed as year 1 or 9999 must neither overflow nor reach InfluxDB's limits (1677-2262).
    private static long Ns(DateTimeOffset instant)
        => Math.Clamp(instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, 0, LatestTicks) * 100;

    private const long LatestTicks = 7_258_118_400L * TimeSpan.TicksPerSecond; // 2200-01-01

    /// <summary>The longest window in nanoseconds: 100 years (×4 of it would overflow a long, so it is never multiplied).</summary>
    internal const long LongestWindow = 100L * 365 * TimeSpan.TicksPerDay * 100;

    /// <summary>The window after <paramref name="window"/> (nanoseconds): 4 times longer, at most <paramref name="longest"/>.</summary>
    internal static long NextWindow(long window, long longest) => window >= longest / 4 ? longest : window * 4;

    private static BlockCursor Cursor(BlockRecord row) => new(row.TimeNs, row.Key);

    private static int Newest(BlockRecord a, BlockRecord b)
        => a.TimeNs != b.TimeNs ? b.TimeNs.CompareTo(a.TimeNs) : string.CompareOrdinal(a.Key, b.Key);

    private static List<BlockRecord> Rows(InfluxStatementResult statement)
    {
        var rows = new List<BlockRecord>();
        foreach (var series in statement.Series)
        {
            int time = series.ColumnIndex("time"), domain = series.ColumnIndex("domain"), category = series.ColumnIndex("category"),
                reason = series.ColumnIndex("reason"), rule = series.ColumnIndex("rule"), group = series.ColumnIndex("group"),
                ip = series.ColumnIndex("ip"), mac = series.ColumnIndex("mac"), count = series.ColumnIndex("count"),
                device = series.ColumnIndex("device"), client = series.ColumnIndex("client"), room = series.ColumnIndex("room"), n = series.ColumnIndex("n");
            foreach (var row in series.Rows)
            {
                rows.Add(new BlockRecord(
                    row[time].AsInt64(),
                    long.TryParse(Text(row, device), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null,
                    Text(row, client), Text(row, room), Text(row, n) ?? "",
                    Text(row, domain) ?? "", Text(row, category) ?? "", Text(row, reason) ?? "", Text(row, rule) ?? "",
                    Text(row, group) ?? "", Text(row, ip) ?? "", Text(row, mac) ?? "",
                    count >= 0 && row[count].Kind is InfluxValueKind.Integer or InfluxValueKind.Float ? (long)row[count].AsDouble() : 1));
            }
        }

        return rows;
    }

    private static string? Text(InfluxValue[] row, int column)
        => column < 0 || row[column].IsNull ? null : row[column].Kind == InfluxValueKind.String ? row[column].AsString() : row[column].ToString();
}
