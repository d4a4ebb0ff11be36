using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Events;

/// <summary>A high-risk attempt waiting to become an alert in the state (allocated only when an alert is due).</summary>
/// <param name="At">When.</param>
/// <param name="DeviceId">Device, when known.</param>
/// <param name="Address">Client address.</param>
/// <param name="Mac">MAC, when known.</param>
/// <param name="Domain">Queried name.</param>
/// <param name="Category">Category key.</param>
/// <param name="Rule">What matched (listed suffix or rule).</param>
/// <param name="Kind">High-risk category or circumvention.</param>
public sealed record PendingAlert(DateTimeOffset At, long? DeviceId, string Address, string? Mac, string Domain, string Category, string Rule, AlertKind Kind)
{
    /// <summary>The evidence text stored with the alert: everything that attributes the attempt.</summary>
    public string Evidence => string.Create(CultureInfo.InvariantCulture,
        $"DNS query for {Domain} blocked: category {Category}, rule {Rule}; client {Address}{(Mac is null ? "" : ", MAC " + Mac)}{(DeviceId is null ? "" : ", device " + DeviceId)}; at {At:O}");
}

/// <summary>
/// Counts every policy decision per client per whole second of the clock (in memory, no allocation per query once a
/// client is known), and writes each second, stamped with that second, to InfluxDB through
/// <see cref="InfluxWriter.TryWrite"/>, which never blocks. The second a query counts in is the one its own clock
/// reading falls in, whenever the flusher runs; no second is written twice for one client (docs/timeseries.md,
/// "Seconds that are exact").
/// High-risk blocks become <see cref="PendingAlert"/>s on a bounded channel, at most one per device+category per
/// <see cref="DnsPolicyOptions.AlertInterval"/>; <see cref="PolicyService"/> writes them to the state.
/// </summary>
public sealed class DnsActivity
{
    private static readonly UInt128 OverflowKey = UInt128.MaxValue;

    private readonly ConcurrentDictionary<UInt128, ClientSlot> _clients = new();
    private readonly Stack<ClientActivity> _spares = new(); // written buckets, reused: no allocation once warm
    private readonly Queue<ClientActivity> _late = new(); // closed seconds the flusher has not written yet, oldest first
    private readonly ConcurrentDictionary<(UInt128, int), long> _lastAlert = new();
    private readonly Channel<PendingAlert> _alerts;
    private readonly PolicyCounters _counters;
    private readonly int _maxClients;
    private readonly int _topDomains;
    private readonly long _alertIntervalTicks;
    private readonly string[] _highRiskKeys;
    private CategoryMap? _highRiskFor;
    private ulong _highRiskMask;

    /// <summary>Creates the recorder.</summary>
    public DnsActivity(IOptions<DnsPolicyOptions> options, PolicyCounters counters)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _counters = counters;
        _maxClients = o.MaxTrackedClients;
        _topDomains = o.TopDomainsPerClient;
        _alertIntervalTicks = o.AlertInterval.Ticks;
        _highRiskKeys = [.. o.HighRiskCategories];
        _alerts = Channel.CreateBounded<PendingAlert>(new BoundedChannelOptions(o.AlertQueueCapacity)
        {
            // Wait, not DropWrite: with DropWrite TryWrite reports success while it drops, so a full queue would lose
            // alerts without counting them. In Wait mode TryWrite never waits; it returns false and we count the drop.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Alerts waiting to be written.</summary>
    public ChannelReader<PendingAlert> Alerts => _alerts.Reader;

    /// <summary>
    /// Counts one decision in the clock second <paramref name="now"/> falls in. Called on the query path: no allocation
    /// once the client has been seen (a new second takes a written bucket back from the pool).
    /// </summary>
    public void Record(CompiledPolicy policy, PolicyClient client, UInt128 address, ReadOnlySpan<byte> wireName, in PolicyVerdict verdict, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(client);
        Span<byte> lower = stackalloc byte[wireName.Length];
        wireName.CopyTo(lower);
        DnsName.ToLowerInPlace(lower);
        var hash = DomainTable.HashLabel(DomainTable.HashSeed, lower);
        var second = now.UtcTicks / TimeSpan.TicksPerSecond;
        var slot = GetClient(address);
        Monitor.Enter(slot);
        while (slot.Removed)
        {
            Monitor.Exit(slot); // forgotten as idle between the look-up and the lock: take the client's new slot
            slot = GetClient(address);
            Monitor.Enter(slot);
        }

        try
        {
            slot.LastSeenTicks = now.UtcTicks;
            var activity = BucketFor(slot, second);
            activity.DeviceId = client.DeviceId;
            activity.RoomId = client.RoomId;
            activity.Mac = client.Mac;
            activity.Group = policy.Groups[client.Group].Key;
            activity.Queries++;
            var listed = verdict.ListedCategories;
            while (listed != 0)
            {
                activity.CategoryQueries[System.Numerics.BitOperations.TrailingZeroCount(listed)]++;
                listed &= listed - 1;
            }

            activity.CountTop(lower, hash);
            if (verdict.Outcome == PolicyOutcome.Rewrite)
            {
                activity.Rewritten++;
            }
            else if (verdict.Outcome == PolicyOutcome.Block)
            {
                activity.BlockedCount++;
                if (verdict.Category >= 0)
                {
                    activity.CategoryBlocked[verdict.Category]++;
                }

                activity.AddBlock(lower, hash, verdict);
            }
        }
        finally
        {
            Monitor.Exit(slot);
        }

        if (verdict.Outcome == PolicyOutcome.Block && verdict.Category >= 0)
        {
            MaybeAlert(policy, client, address, wireName, verdict, now);
        }
    }

    /// <summary>
    /// Writes every second that ended before <paramref name="now"/>'s whole second, each stamped with its own second,
    /// and frees its bucket; forgets clients idle for 10 minutes. Seconds not yet ended stay open, so a flush that runs
    /// late (or twice in a second) writes exactly what was counted, once. Without a writer the counts are dropped.
    /// Returns points written. One caller at a time.
    /// </summary>
    public int Flush(InfluxWriter? writer, CompiledPolicy? policy, DateTimeOffset now)
    {
        var written = 0;
        var cutoff = now.UtcTicks / TimeSpan.TicksPerSecond;
        var idleBefore = now.UtcTicks - TimeSpan.TicksPerMinute * 10;
        while (TakeLate() is { } late)
        {
            written += WriteBucket(writer, policy, late);
            Return(late);
        }

        foreach (var (key, slot) in _clients)
        {
            lock (slot)
            {
                if (slot.Previous is { } previous && previous.Second < cutoff)
                {
                    written += WriteBucket(writer, policy, previous);
                    slot.WrittenThrough = previous.Second;
                    slot.Previous = null;
                    Return(previous);
                }

                var current = slot.Current;
                if (current.Queries != 0 && current.Second < cutoff)
                {
                    written += WriteBucket(writer, policy, current);
                    slot.WrittenThrough = current.Second;
                    current.Reset();
                }

                if (current.Queries == 0 && slot.Previous is null && slot.LastSeenTicks < idleBefore)
                {
                    slot.Removed = true;
                    _clients.TryRemove(key, out _);
                    Return(current);
                }
            }
        }

        return written;
    }

    /// <summary>The bucket <paramref name="second"/> counts in (under the slot's lock).</summary>
    private ClientActivity BucketFor(ClientSlot slot, long second)
    {
        // A query whose clock reading is older than an open second (it raced the next second's first query, or the
        // clock stepped back) counts in the nearest open second after it: it is never lost and never reopens a second.
        if (slot.Previous is { } previous && second <= previous.Second)
        {
            return previous;
        }

        var current = slot.Current;
        if (current.Queries != 0)
        {
            if (second <= current.Second)
            {
                return current;
            }

            // A new second before the flusher wrote the last: keep it open beside this one (it may still get a late query).
            if (slot.Previous is { } oldest)
            {
                AddLate(oldest); // the flusher is more than a second behind: closed, written at its next run
            }

            slot.Previous = current;
            slot.Current = current = Rent(slot.Address);
        }

        // After WrittenThrough: a query that raced the flush of its own second (microseconds) counts in the next one.
        current.Second = Math.Max(second, slot.WrittenThrough + 1);
        return current;
    }

    private int WriteBucket(InfluxWriter? writer, CompiledPolicy? policy, ClientActivity bucket)
    {
        var points = writer is not null && policy is not null
            ? Write(writer, policy, bucket, new DateTimeOffset(bucket.Second * TimeSpan.TicksPerSecond, TimeSpan.Zero))
            : 0;
        bucket.Reset();
        return points;
    }

    private ClientActivity Rent(UInt128 address)
    {
        lock (_spares)
        {
            if (_spares.TryPop(out var spare))
            {
                spare.Address = address;
                return spare;
            }
        }

        return new ClientActivity(address, _topDomains);
    }

    private void Return(ClientActivity bucket)
    {
        bucket.Reset();
        lock (_spares)
        {
            if (_spares.Count < _maxClients)
            {
                _spares.Push(bucket);
            }
        }
    }

    private void AddLate(ClientActivity bucket)
    {
        lock (_late)
        {
            if (_late.Count >= _maxClients * 4)
            {
                // The flusher has stopped for seconds on end: bound the memory, count what is lost.
                var dropped = _late.Dequeue();
                Interlocked.Increment(ref _counters.PointsDropped);
                dropped.Reset();
            }

            _late.Enqueue(bucket);
        }
    }

    private ClientActivity? TakeLate()
    {
        lock (_late)
        {
            return _late.TryDequeue(out var bucket) ? bucket : null;
        }
    }

    private int Write(InfluxWriter writer, CompiledPolicy policy, ClientActivity a, DateTimeOffset second)
    {
        var device = a.DeviceId?.ToString(CultureInfo.InvariantCulture) ?? "";
        var room = a.RoomId?.ToString(CultureInfo.InvariantCulture) ?? "";
        var client = a.DeviceId is null ? (a.Address == OverflowKey ? "overflow" : ClientKey.ToText(a.Address)) : "";
        var top = new StringBuilder();
        foreach (var entry in a.Top.AsSpan(0, a.TopUsed).ToArray().OrderByDescending(t => t.Count))
        {
            top.Append(top.Length == 0 ? "" : ",").Append(DomainText.ToDotted(entry.Name)).Append('=').Append(entry.Count.ToString(CultureInfo.InvariantCulture));
        }

        var points = 0;
        points += Accept(writer, writer.CreatePoint(Measurements.DnsActivity).Tag(Measurements.Tags.Device, device).Tag(Measurements.Tags.Room, room).Tag(Measurements.Tags.Client, client)
            .Field(Measurements.Fields.Queries, a.Queries).Field(Measurements.Fields.Blocked, a.BlockedCount).Field(Measurements.Fields.Rewritten, a.Rewritten)
            .Field(Measurements.Fields.TopDomains, top.ToString()).Timestamp(second));

        var categories = writer.CreatePoint(Measurements.DnsCategories).Tag(Measurements.Tags.Device, device).Tag(Measurements.Tags.Room, room).Tag(Measurements.Tags.Client, client);
        var any = false;
        for (var bit = 0; bit < policy.Lists.Categories.Keys.Count; bit++)
        {
            var key = policy.Lists.Categories.Keys[bit];
            if (a.CategoryQueries[bit] > 0)
            {
                categories = categories.Field("cat_" + key, a.CategoryQueries[bit]);
                any = true;
            }

            if (a.CategoryBlocked[bit] > 0)
            {
                categories = categories.Field("blocked_" + key, a.CategoryBlocked[bit]);
                any = true;
            }
        }

        if (any)
        {
            points += Accept(writer, categories.Timestamp(second));
        }

        // Attribution of each distinct block: raw only (7 days), domain as a field, bounded index tag.
        var address = a.Address == OverflowKey ? "" : ClientKey.ToText(a.Address);
        for (var i = 0; i < a.BlocksUsed; i++)
        {
            var b = a.Blocks[i];
            var name = b.Name;
            points += Accept(writer, writer.CreatePoint(Measurements.DnsBlocks).Tag(Measurements.Tags.Device, device).Tag(Measurements.Tags.Room, room).Tag(Measurements.Tags.Client, client)
                .Tag("n", i.ToString(CultureInfo.InvariantCulture))
                .Field("domain", DomainText.ToDotted(name))
                .Field("category", b.Category >= 0 ? policy.Lists.Categories.Keys[b.Category] : "")
                .Field("reason", b.Reason.ToString())
                .Field("rule", RuleText(b.Reason, name, b.MatchOffset, b.ActionId))
                .Field("group", a.Group ?? "")
                .Field("ip", address)
                .Field("mac", a.Mac ?? "")
                .Field("count", b.Count)
                .Timestamp(second));
        }

        return points;
    }

    /// <summary>What matched, as text: the listed suffix or rule, or the teacher action.</summary>
    internal static string RuleText(BlockReason reason, ReadOnlySpan<byte> lowerName, int matchOffset, long actionId)
    {
        var matched = matchOffset >= 0 && matchOffset < lowerName.Length ? DomainText.ToDotted(lowerName[matchOffset..]) : "";
        return reason switch
        {
            BlockReason.AlwaysOn or BlockReason.Category => "list:" + matched,
            BlockReason.Deny => "deny:" + matched,
            BlockReason.Circumvention => "circumvention:" + matched,
            BlockReason.Pause => "pause:action " + actionId.ToString(CultureInfo.InvariantCulture),
            BlockReason.Focus => "focus:action " + actionId.ToString(CultureInfo.InvariantCulture),
            _ => matched,
        };
    }

    private int Accept(InfluxWriter writer, PointBuilder point)
    {
        if (writer.TryWrite(point))
        {
            Interlocked.Increment(ref _counters.PointsWritten);
            return 1;
        }

        Interlocked.Increment(ref _counters.PointsDropped);
        return 0;
    }

    private ClientSlot GetClient(UInt128 address)
    {
        if (_clients.TryGetValue(address, out var slot))
        {
            return slot;
        }

        if (_clients.Count >= _maxClients)
        {
            Interlocked.Increment(ref _counters.ClientOverflow);
            address = OverflowKey;
        }

        return _clients.GetOrAdd(address, static (key, top) => new ClientSlot(key, new ClientActivity(key, top)), _topDomains);
    }

    private void MaybeAlert(CompiledPolicy policy, PolicyClient client, UInt128 address, ReadOnlySpan<byte> wireName, in PolicyVerdict verdict, DateTimeOffset now)
    {
        var categories = policy.Lists.Categories;
        if (!ReferenceEquals(Volatile.Read(ref _highRiskFor), categories))
        {
            ulong mask = 0;
            foreach (var key in _highRiskKeys)
            {
                mask |= categories.BitOf(key);
            }

            _highRiskMask = mask;
            Volatile.Write(ref _highRiskFor, categories);
        }

        var bit = 1UL << verdict.Category;
        if ((bit & (_highRiskMask | policy.AlwaysOn)) == 0)
        {
            return;
        }

        // Rate limit per device (or address) and category: a page retrying does not make thousands of alerts.
        var who = client.DeviceId is { } id ? new UInt128(1, (ulong)id) : address;
        var key2 = (who, verdict.Category);
        var ticks = now.UtcTicks;
        if (_lastAlert.TryGetValue(key2, out var last) && ticks - last < _alertIntervalTicks)
        {
            Interlocked.Increment(ref _counters.AlertsSuppressed);
            return;
        }

        _lastAlert[key2] = ticks;
        if (_lastAlert.Count > _maxClients * 4)
        {
            _lastAlert.Clear(); // bounded: worst case an extra alert after a flood
        }

        var lower = wireName.ToArray();
        DnsName.ToLowerInPlace(lower);
        var category = categories.Keys[verdict.Category];
        var circumvention = category is "circumvention" or "doh" or "vpn" or "proxy";
        var alert = new PendingAlert(now, client.DeviceId, ClientKey.ToText(address), client.Mac, DomainText.ToDotted(lower), category,
            RuleText(verdict.Reason, lower, verdict.MatchOffset, verdict.ActionId), circumvention ? AlertKind.Circumvention : AlertKind.HighRiskCategory);
        if (!_alerts.Writer.TryWrite(alert))
        {
            Interlocked.Increment(ref _counters.AlertsDropped);
        }
    }
}
