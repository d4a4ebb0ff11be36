using System.Globalization;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Off the capture thread: takes each ended second's counters from the <see cref="TrafficAccountant"/> and writes, stamped
/// with that whole second of the packets' clock, one <c>net_activity</c> point per device with traffic (the contract the console's live view reads):
/// tags <c>device</c> and <c>room</c> (room left out when none) when the state knows the address's device — several
/// addresses of one device are added together — else tag <c>client</c> with the address (<c>overflow</c> for traffic
/// beyond <see cref="AccountingOptions.MaxDeviceAddresses"/>); integer fields <c>bytes_in</c>, <c>bytes_out</c>,
/// <c>packets_in</c>, <c>packets_out</c>, <c>flows_new</c>; string field <c>top_sites</c> (<c>name=bytes,…</c>, biggest
/// first, at most five, as dnsfilter's <c>top_domains</c>; left out when no site had a name) holds names the flows
/// carried themselves (SNI, HTTP Host); string field <c>inferred_sites</c> (same format) holds names only inferred from
/// the device's own DNS answers for the server's address — a guess, never mixed into <c>top_sites</c>. Not thread-safe:
/// one flusher.
/// </summary>
public sealed class NetActivityFlusher
{
    /// <summary>Sites written per point.</summary>
    public const int TopSites = 5;

    private readonly TrafficAccountant _accountant;
    private readonly DeviceMap _devices;
    private readonly Dictionary<long, Aggregate> _byDevice = [];
    private readonly Stack<Aggregate> _pool = new();
    private readonly byte[] _name = new byte[SiteName.MaxLength];
    private readonly char[] _text = new char[TopSites * (SiteName.MaxLength + 22)];
    private readonly char[] _inferredText = new char[TopSites * (SiteName.MaxLength + 22)];

    /// <summary>Creates the flusher.</summary>
    public NetActivityFlusher(TrafficAccountant accountant, DeviceMap devices)
    {
        _accountant = accountant;
        _devices = devices;
    }

    /// <summary>
    /// Writes every second the capture has sealed (it seals one on the first packet of the next), each stamped with its
    /// own second; with <paramref name="sealOpen"/> (the capture has been quiet, or is stopping) the second still open
    /// too. Without a writer the counts are dropped. Returns the points the writer accepted.
    /// </summary>
    public int Flush(InfluxWriter? writer, bool sealOpen = false)
    {
        var seconds = _accountant.Seconds;
        var written = 0;
        while (true)
        {
            var counters = seconds.TakeSealed();
            if (counters is null)
            {
                if (!sealOpen || !seconds.SealOpen())
                {
                    break;
                }

                sealOpen = false;
                continue;
            }

            try
            {
                written += Flush(writer, counters, DateTimeOffset.FromUnixTimeSeconds(counters.Second));
            }
            finally
            {
                seconds.Release(counters); // even after a failure: a buffer never given back would stop the ring
            }
        }

        _accountant.RefreshStatistics();
        return written;
    }

    private int Flush(InfluxWriter? writer, SecondCounters counters, DateTimeOffset second)
    {
        var statistics = _accountant.Statistics;
        var written = 0;
        try
        {
            for (var i = 0; i < counters.TouchedCount; i++)
            {
                var slot = counters.Touched[i];
                ref var record = ref counters.Records[slot];
                if (slot != _accountant.OverflowSlot && _devices.TryGet(record.Address, out var device))
                {
                    if (!_byDevice.TryGetValue(device.DeviceId, out var aggregate))
                    {
                        aggregate = _pool.Count > 0 ? _pool.Pop() : new Aggregate();
                        aggregate.Room = device.RoomId;
                        _byDevice.Add(device.DeviceId, aggregate);
                    }

                    aggregate.Add(record);
                    continue;
                }

                if (writer is not null)
                {
                    var single = _pool.Count > 0 ? _pool.Pop() : new Aggregate();
                    single.Add(record);
                    written += Write(writer, null, null, slot == _accountant.OverflowSlot ? "overflow" : record.Address.ToString(), single, second);
                    single.Clear();
                    _pool.Push(single);
                }
            }

            foreach (var (deviceId, aggregate) in _byDevice)
            {
                if (writer is not null)
                {
                    written += Write(writer, deviceId, aggregate.Room, null, aggregate, second);
                }

                aggregate.Clear();
                _pool.Push(aggregate);
            }
        }
        finally
        {
            _byDevice.Clear();
        }

        statistics.Flushes++;
        return written;
    }

    private int Write(InfluxWriter writer, long? deviceId, long? roomId, string? client, Aggregate a, DateTimeOffset second)
    {
        Span<char> device = stackalloc char[20];
        Span<char> room = stackalloc char[20];
        var deviceLength = 0;
        var roomLength = 0;
        deviceId?.TryFormat(device, out deviceLength, provider: CultureInfo.InvariantCulture);
        roomId?.TryFormat(room, out roomLength, provider: CultureInfo.InvariantCulture);
        var point = writer.CreatePoint(Measurements.NetActivity)
            .Tag(Measurements.Tags.Device, device[..deviceLength])
            .Tag(Measurements.Tags.Room, room[..roomLength])
            .Tag(Measurements.Tags.Client, client)
            .Field(Measurements.Fields.BytesIn, a.BytesIn)
            .Field(Measurements.Fields.BytesOut, a.BytesOut)
            .Field(Measurements.Fields.PacketsIn, a.PacketsIn)
            .Field(Measurements.Fields.PacketsOut, a.PacketsOut)
            .Field(Measurements.Fields.FlowsNew, a.FlowsNew);

        // Left out when no flow had a name that second, so the live view's last(top_sites) keeps the latest real one.
        a.Sites.Sort(static (x, y) => y.Bytes.CompareTo(x.Bytes));
        var sites = FormatTopSites(a, inferred: false, _text);
        if (!sites.IsEmpty)
        {
            point = point.Field(Measurements.Fields.TopSites, sites);
        }

        var guesses = FormatTopSites(a, inferred: true, _inferredText);
        if (!guesses.IsEmpty)
        {
            point = point.Field(Measurements.Fields.InferredSites, guesses);
        }

        point = point.Timestamp(second);
        if (writer.TryWrite(point))
        {
            _accountant.Statistics.PointsWritten++;
            return 1;
        }

        _accountant.Statistics.PointsDropped++;
        return 0;
    }

    // name=bytes,name=bytes — biggest first (sorted by the caller), at most five of one kind; a name whose slot was
    // reused since, or whose bytes all moved to the flow's own name, is skipped.
    private ReadOnlySpan<char> FormatTopSites(Aggregate a, bool inferred, char[] text)
    {
        var length = 0;
        var count = 0;
        foreach (var site in a.Sites)
        {
            if (count == TopSites)
            {
                break;
            }

            if (site.Inferred != inferred || site.Bytes <= 0)
            {
                continue;
            }

            if (!_accountant.Names.TryCopy(site.NameId, _name, out var nameLength))
            {
                continue;
            }

            if (count > 0)
            {
                text[length++] = ',';
            }

            for (var i = 0; i < nameLength; i++)
            {
                text[length++] = (char)_name[i];
            }

            text[length++] = '=';
            site.Bytes.TryFormat(text.AsSpan(length), out var digits, provider: CultureInfo.InvariantCulture);
            length += digits;
            count++;
        }

        return text.AsSpan(0, length);
    }

    /// <summary>One device's (or one address's) counts, reused from second to second.</summary>
    private sealed class Aggregate
    {
        public long? Room;
        public long BytesIn;
        public long BytesOut;
        public long PacketsIn;
        public long PacketsOut;
        public long FlowsNew;
        public readonly List<SiteBytes> Sites = [];

        public void Add(in AddressSecond record)
        {
            BytesIn += record.BytesIn;
            BytesOut += record.BytesOut;
            PacketsIn += record.PacketsIn;
            PacketsOut += record.PacketsOut;
            FlowsNew += record.FlowsNew;
            for (var i = 0; i < record.SitesUsed; i++)
            {
                var site = record.Sites[i];
                var index = 0;
                while (index < Sites.Count && (Sites[index].NameId != site.NameId || Sites[index].Inferred != site.Inferred))
                {
                    index++;
                }

                if (index < Sites.Count)
                {
                    Sites[index] = Sites[index] with { Bytes = Sites[index].Bytes + site.Bytes };
                }
                else
                {
                    Sites.Add(site);
                }
            }
        }

        public void Clear()
        {
            Room = null;
            BytesIn = BytesOut = PacketsIn = PacketsOut = FlowsNew = 0;
            Sites.Clear();
        }
    }
}
