using System.Buffers.Binary;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>SOA timers (RFC 1035 §3.3.13).</summary>
public readonly record struct DnsSoaTimers(uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum);

/// <summary>Typed views of rdata. Names inside rdata are decoded against the whole message.</summary>
public static class DnsRData
{
    /// <summary>Decodes the single name of NS, CNAME and PTR rdata.</summary>
    public static bool TryReadName(ReadOnlySpan<byte> message, in DnsRecord record, Span<byte> destination, out int nameLength)
        => DnsName.TryRead(message[..(record.RDataOffset + record.RData.Length)], record.RDataOffset, destination,
            DnsName.DefaultMaxCompressionPointers, out nameLength, out _);

    /// <summary>
    /// The address of an A (4 bytes) or AAAA (16 bytes) record of class IN (an mDNS cache-flush bit allowed, RFC 6762
    /// §10.2); empty for any other record. The reader has already refused A/AAAA rdata of any other length.
    /// </summary>
    public static ReadOnlySpan<byte> AddressOf(in DnsRecord record)
    {
        if (DnsMulticast.ClassOf(record.Class) != (ushort)DnsClass.IN)
        {
            return default;
        }

        return (record.Type, record.RData.Length) switch
        {
            ((ushort)DnsRecordType.A, 4) or ((ushort)DnsRecordType.AAAA, 16) => record.RData,
            _ => default,
        };
    }

    /// <summary>Decodes MX rdata.</summary>
    public static bool TryReadMx(ReadOnlySpan<byte> message, in DnsRecord record, Span<byte> exchange, out ushort preference, out int nameLength)
    {
        preference = 0;
        nameLength = 0;
        if (record.RData.Length <= 2
            || !DnsName.TryRead(message[..(record.RDataOffset + record.RData.Length)], record.RDataOffset + 2, exchange,
                DnsName.DefaultMaxCompressionPointers, out nameLength, out _))
        {
            return false;
        }

        preference = BinaryPrimitives.ReadUInt16BigEndian(record.RData);
        return true;
    }

    /// <summary>Decodes SOA rdata.</summary>
    public static bool TryReadSoa(
        ReadOnlySpan<byte> message, in DnsRecord record, Span<byte> mname, Span<byte> rname,
        out int mnameLength, out int rnameLength, out DnsSoaTimers timers)
    {
        timers = default;
        rnameLength = 0;
        var end = record.RDataOffset + record.RData.Length;
        if (!DnsName.TryRead(message[..end], record.RDataOffset, mname, DnsName.DefaultMaxCompressionPointers, out mnameLength, out var m)
            || !DnsName.TryRead(message[..end], record.RDataOffset + m, rname, DnsName.DefaultMaxCompressionPointers, out rnameLength, out var r))
        {
            return false;
        }

        var t = record.RDataOffset + m + r;
        if (t + 20 != end)
        {
            return false;
        }

        timers = new DnsSoaTimers(
            BinaryPrimitives.ReadUInt32BigEndian(message[t..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[(t + 4)..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[(t + 8)..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[(t + 12)..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[(t + 16)..]));
        return true;
    }

    /// <summary>Reads the SOA MINIMUM field only (negative caching, RFC 2308 §5).</summary>
    public static bool TryReadSoaMinimum(ReadOnlySpan<byte> message, in DnsRecord record, out uint minimum)
    {
        var ok = TryReadSoa(message, record, default, default, out _, out _, out var timers);
        minimum = timers.Minimum;
        return ok;
    }
}
