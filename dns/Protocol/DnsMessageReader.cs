using System.Buffers.Binary;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>A question as read: the expanded name lives in the caller's buffer.</summary>
public readonly ref struct DnsQuestion
{
    /// <summary>Creates a question.</summary>
    public DnsQuestion(ReadOnlySpan<byte> name, ushort type, ushort @class)
    {
        Name = name;
        Type = type;
        Class = @class;
    }

    /// <summary>Expanded wire-form name.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>QTYPE.</summary>
    public ushort Type { get; }

    /// <summary>QCLASS.</summary>
    public ushort Class { get; }
}

/// <summary>A resource record as read; <see cref="RData"/> is a slice of the message.</summary>
public readonly ref struct DnsRecord
{
    /// <summary>Creates a record view.</summary>
    public DnsRecord(ReadOnlySpan<byte> name, ushort type, ushort @class, uint ttl, int ttlOffset, int rdataOffset, ReadOnlySpan<byte> rdata)
    {
        Name = name;
        Type = type;
        Class = @class;
        Ttl = ttl;
        TtlOffset = ttlOffset;
        RDataOffset = rdataOffset;
        RData = rdata;
    }

    /// <summary>Expanded owner name (empty when the caller asked not to copy names).</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>TYPE.</summary>
    public ushort Type { get; }

    /// <summary>CLASS (for OPT: the UDP payload size).</summary>
    public ushort Class { get; }

    /// <summary>TTL (for OPT: extended RCODE, version and flags).</summary>
    public uint Ttl { get; }

    /// <summary>Offset of the TTL field in the message (the cache rewrites TTLs there).</summary>
    public int TtlOffset { get; }

    /// <summary>Offset of the rdata in the message (names inside rdata are decoded against the message).</summary>
    public int RDataOffset { get; }

    /// <summary>The raw rdata.</summary>
    public ReadOnlySpan<byte> RData { get; }
}

/// <summary>
/// Forward-only reader over a DNS message. Every method returns false on malformed input and
/// never throws; on false the reader's position is unspecified and it should be abandoned.
/// </summary>
public ref struct DnsMessageReader
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly int _maxPointers;

    /// <summary>Creates a reader.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="maxCompressionPointers">Cap on compression pointers per name (untrusted input).</param>
    public DnsMessageReader(ReadOnlySpan<byte> message, int maxCompressionPointers = DnsName.DefaultMaxCompressionPointers)
    {
        _message = message;
        _maxPointers = maxCompressionPointers;
        Position = 0;
    }

    /// <summary>Offset of the next unread byte.</summary>
    public int Position { get; private set; }

    /// <summary>Reads the header (only valid at position 0).</summary>
    public bool TryReadHeader(out DnsHeader header)
    {
        if (Position != 0 || !DnsHeader.TryRead(_message, out header))
        {
            header = default;
            return false;
        }

        Position = DnsHeader.Size;
        return true;
    }

    /// <summary>Reads one question; the expanded name is copied into <paramref name="nameBuffer"/> (≥ 255 bytes).</summary>
    public bool TryReadQuestion(Span<byte> nameBuffer, out DnsQuestion question)
    {
        question = default;
        if (!DnsName.TryRead(_message, Position, nameBuffer, _maxPointers, out var nameLength, out var consumed))
        {
            return false;
        }

        var p = Position + consumed;
        if (p + 4 > _message.Length)
        {
            return false;
        }

        question = new DnsQuestion(
            nameBuffer.IsEmpty ? default : nameBuffer[..nameLength],
            BinaryPrimitives.ReadUInt16BigEndian(_message[p..]),
            BinaryPrimitives.ReadUInt16BigEndian(_message[(p + 2)..]));
        Position = p + 4;
        return true;
    }

    /// <summary>
    /// Reads one resource record. The owner name is copied into <paramref name="nameBuffer"/> unless it is
    /// empty. The rdata of A, AAAA, NS, CNAME, PTR, MX, SOA and TXT is validated (names inside it too),
    /// so a message that reads to the end is safe to hand on.
    /// </summary>
    public bool TryReadRecord(Span<byte> nameBuffer, out DnsRecord record)
    {
        record = default;
        if (!DnsName.TryRead(_message, Position, nameBuffer, _maxPointers, out var nameLength, out var consumed))
        {
            return false;
        }

        var p = Position + consumed;
        if (p + 10 > _message.Length)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_message[p..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(_message[(p + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(_message[(p + 4)..]);
        int rdLength = BinaryPrimitives.ReadUInt16BigEndian(_message[(p + 8)..]);
        var rdataOffset = p + 10;
        if (rdLength > _message.Length - rdataOffset || !IsValidRData(type, rdataOffset, rdLength))
        {
            return false;
        }

        record = new DnsRecord(
            nameBuffer.IsEmpty ? default : nameBuffer[..nameLength],
            type, @class, ttl, p + 4, rdataOffset, _message.Slice(rdataOffset, rdLength));
        Position = rdataOffset + rdLength;
        return true;
    }

    private readonly bool IsValidRData(ushort type, int offset, int length)
    {
        switch ((DnsRecordType)type)
        {
            case DnsRecordType.A:
                return length == 4;
            case DnsRecordType.AAAA:
                return length == 16;
            case DnsRecordType.NS:
            case DnsRecordType.CNAME:
            case DnsRecordType.PTR:
                return NameFills(offset, length);
            case DnsRecordType.MX:
                return length > 2 && NameFills(offset + 2, length - 2);
            case DnsRecordType.SOA:
                {
                    var end = offset + length;
                    if (!DnsName.TryRead(_message[..end], offset, default, _maxPointers, out _, out var m))
                    {
                        return false;
                    }

                    if (!DnsName.TryRead(_message[..end], offset + m, default, _maxPointers, out _, out var r))
                    {
                        return false;
                    }

                    return offset + m + r + 20 == end;
                }

            case DnsRecordType.TXT:
                {
                    if (length == 0)
                    {
                        return false;
                    }

                    var i = 0;
                    var rdata = _message.Slice(offset, length);
                    while (i < length)
                    {
                        i += 1 + rdata[i];
                    }

                    return i == length;
                }

            case DnsRecordType.OPT:
                return DnsEdns.AreOptionsValid(_message.Slice(offset, length));
            default:
                return true;
        }
    }

    // A name inside rdata must end exactly at the end of the rdata (pointers may reach back before it).
    private readonly bool NameFills(int offset, int length)
        => DnsName.TryRead(_message[..(offset + length)], offset, default, _maxPointers, out _, out var consumed)
           && consumed == length;
}
