using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
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

/// <summary>Where a page ended: the last row's time and series key. The next page starts strictly after it.</summary>
public readonly record struct BlockCursor(long TimeNs, string Key);

/// <summary>A page of rows, newest first, and the cursor of the next (older) page, or null at the end.</summary>
public sealed record BlockRecordPage(IReadOnlyList<BlockRecord> Rows, BlockCursor? Next);

/// <summary>
/// Reads the block history (<c>blocks.dns_blocks</c>) newest first, a page at a time, with a keyset cursor on
/// (time, series) instead of OFFSET, so every page reads about a page whatever its depth. Rows of one second (several
/// devices, several blocks of one device) are ordered by their series key, which the cursor carries, so paging visits
/// every row exactly once. All text in the InfluxQL is quoted by <see cref="InfluxQl"/> / <see cref="InfluxQlPatterns"/>.
/// </summary>
public sealed class BlockHistoryReader(InfluxReader influx)
{
    internal const string Columns = "\"domain\", \"category\", \"reason\", \"rule\", \"group\", \"ip\", \"mac\", \"count\", \"device\", \"client\", \"room\", \"n\"";
    private static readonly string Source = InfluxQl.QuoteIdentifier(InfluxOptions.BlocksPolicyName) + "." + InfluxQl.QuoteIdentifier(BlockHistoryCopy.Measurement);

    /// <summary>Most rows a page may ask for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>One page of up to <paramref name="size"/> rows after <paramref name="after"/> (null: from the newest).</summary>
    public async Task<BlockRecordPage> PageAsync(BlockCriteria criteria, BlockCursor? after, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxPageSize);
        var where = Where(criteria);
        var rows = new List<BlockRecord>(size + 1);
        var moreAtCursorSecond = false;
        var result = await influx.QueryAsync(PageQuery(criteria, after, size), cancellationToken);
        var older = Rows(result.Statements[^1]);
        if (after is { } c)
        {
            var second = Rows(result.Statements[0]).Where(r => string.CompareOrdinal(r.Key, c.Key) > 0).ToList();
            second.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            rows.AddRange(second.Take(size));
            moreAtCursorSecond = second.Count > size;
        }

        var need = size - rows.Count;
        if (need == 0)
        {
            return new BlockRecordPage(rows, moreAtCursorSecond || older.Count > 0 ? Cursor(rows[^1]) : null);
        }

        if (older.Count <= need)
        {
            // Everything left: complete seconds, ordered like the cursor orders them.
            older.Sort(Newest);
            rows.AddRange(older);
            return new BlockRecordPage(rows, null);
        }

        // More rows than needed: the seconds newer than the last one taken are complete; that second may have been
        // cut anywhere by LIMIT (InfluxDB orders rows within a second as it likes), so read it whole.
        older.Sort(Newest);
        var last = older[need - 1].TimeNs;
        rows.AddRange(older.Where(r => r.TimeNs > last));
        var boundary = Rows((await influx.QueryAsync(Select(where, $"time = {last.ToString(CultureInfo.InvariantCulture)}"), cancellationToken)).Statements[0]);
        boundary.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        rows.AddRange(boundary.Take(size - rows.Count));
        return new BlockRecordPage(rows, Cursor(rows[^1]));
    }

    /// <summary>
    /// The request a page starts with: (1) with a cursor, the rest of the cursor's second (only rows of one second:
    /// bounded by the devices writing in it); (2) older rows, newest first, one more than needed to know whether there
    /// are more. Public for the benchmark, which sends the same text to InfluxDB with curl.
    /// </summary>
    public static string PageQuery(BlockCriteria criteria, BlockCursor? after, int size)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var where = Where(criteria);
        var upper = after?.TimeNs ?? Ns(criteria.To);
        var statements = new StringBuilder();
        if (after is { } cursor)
        {
            statements.Append(Select(where, $"time = {cursor.TimeNs.ToString(CultureInfo.InvariantCulture)}")).Append(';');
        }

        return statements.Append(Select(where, $"time >= {Ns(criteria.From).ToString(CultureInfo.InvariantCulture)} AND time < {upper.ToString(CultureInfo.InvariantCulture)}"))
            .Append(" ORDER BY time DESC LIMIT ").Append((size + 1).ToString(CultureInfo.InvariantCulture)).ToString();
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

    private static string Select(string where, string time)
        => $"SELECT {Columns} FROM {Source} WHERE {(where.Length == 0 ? time : where + " AND " + time)}";

    private static long Ns(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

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
