using System.Buffers.Binary;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Caching;

/// <summary>
/// An upstream response kept for answering: header, the question at offset 12 (uncompressed, so the
/// client's spelling can be written over it), and the records without the upstream's OPT. TTLs in
/// <see cref="Message"/> are already clamped; serving subtracts the age. Immutable once built.
/// </summary>
public sealed class DnsCacheEntry
{
    private readonly int[] _ttlOffsets;

    private DnsCacheEntry(byte[] message, int questionEnd, int[] ttlOffsets, int lifetimeSeconds, bool cacheable, bool negative, long storedAt)
    {
        IsNegative = negative;
        Message = message;
        QuestionEnd = questionEnd;
        _ttlOffsets = ttlOffsets;
        LifetimeSeconds = lifetimeSeconds;
        Cacheable = cacheable;
        StoredAt = storedAt;
        LastUsed = storedAt;
    }

    /// <summary>The stored message (ID and flags are replaced when serving).</summary>
    public byte[] Message { get; }

    /// <summary>Offset just after the question.</summary>
    public int QuestionEnd { get; }

    /// <summary>Seconds the entry is fresh (minimum clamped TTL; the negative TTL for NXDOMAIN/NODATA).</summary>
    public int LifetimeSeconds { get; }

    /// <summary>True for NOERROR/NXDOMAIN answers with a usable TTL; other responses are only relayed.</summary>
    public bool Cacheable { get; }

    /// <summary>When it was stored (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long StoredAt { get; }

    /// <summary>NXDOMAIN or NODATA (NOERROR without answers): bounded separately by <see cref="Hosting.DnsOptions.CacheMaxNegativeEntries"/>.</summary>
    public bool IsNegative { get; }

    /// <summary>The stored RCODE.</summary>
    public DnsResponseCode ResponseCode => (DnsResponseCode)(Message[3] & 0xF);

    /// <summary>Bytes this entry accounts for in the cache size limit.</summary>
    public int Size => Message.Length + (_ttlOffsets.Length * 4) + 96;

    internal long LastUsed;

    /// <summary>Timestamp before which a stale entry is served without trying upstream again (RFC 8767 §4).</summary>
    internal long StaleRefreshAfter;

    /// <summary>
    /// Builds an entry from a validated upstream response (question at offset 12, OPT — if any — last).
    /// Returns null when the message does not have that shape.
    /// </summary>
    public static DnsCacheEntry? Create(ReadOnlySpan<byte> response, int minTtl, int maxTtl, int maxNegativeTtl, long now)
    {
        var reader = new DnsMessageReader(response);
        if (!reader.TryReadHeader(out var header) || header.QuestionCount != 1 || !reader.TryReadQuestion(default, out _))
        {
            return null;
        }

        var questionEnd = reader.Position;
        var total = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        Span<int> offsets = total <= 256 ? stackalloc int[total] : new int[total];
        var count = 0;
        var end = questionEnd;
        var optSeen = false;
        var minimum = uint.MaxValue;
        long negativeTtl = -1;
        for (var i = 0; i < total; i++)
        {
            if (!reader.TryReadRecord(default, out var record) || optSeen)
            {
                return null; // malformed, or a record after OPT
            }

            if (record.Type == (ushort)DnsRecordType.OPT)
            {
                optSeen = true;
                continue;
            }

            offsets[count++] = record.TtlOffset;
            end = reader.Position;
            var inAnswerOrAuthority = i < header.AnswerCount + header.AuthorityCount;
            if (inAnswerOrAuthority)
            {
                minimum = Math.Min(minimum, record.Ttl);
            }

            if (i >= header.AnswerCount && inAnswerOrAuthority && record.Type == (ushort)DnsRecordType.SOA
                && DnsRData.TryReadSoaMinimum(response, record, out var soaMinimum))
            {
                // RFC 2308 §5: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field.
                negativeTtl = Math.Min(record.Ttl, soaMinimum);
            }
        }

        var message = response[..end].ToArray();
        if (optSeen)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), (ushort)(header.AdditionalCount - 1));
        }

        var rcode = header.ResponseCode;
        var negative = rcode == DnsResponseCode.NXDomain || (rcode == DnsResponseCode.NoError && header.AnswerCount == 0);
        int lifetime;
        bool cacheable;
        if (header.IsTruncated || rcode is not (DnsResponseCode.NoError or DnsResponseCode.NXDomain))
        {
            lifetime = 0;
            cacheable = false;
        }
        else if (negative)
        {
            // Without an SOA there is no negative TTL: RFC 2308 §5 says do not cache.
            cacheable = negativeTtl >= 0;
            lifetime = cacheable ? (int)Math.Clamp(negativeTtl, minTtl, Math.Min(maxNegativeTtl, maxTtl)) : 0;
        }
        else
        {
            lifetime = (int)Math.Clamp(minimum, (uint)minTtl, (uint)maxTtl);
            cacheable = true;
        }

        cacheable &= lifetime > 0;
        var ttlOffsets = offsets[..count].ToArray();
        foreach (var offset in ttlOffsets)
        {
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(offset));
            var clamped = negative && cacheable ? Math.Min(ttl, (uint)lifetime) : Math.Clamp(ttl, (uint)minTtl, (uint)maxTtl);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(offset), ttl > int.MaxValue ? 0 : clamped);
        }

        return new DnsCacheEntry(message, questionEnd, ttlOffsets, lifetime, cacheable, negative, now);
    }

    /// <summary>
    /// Writes this entry as the answer to <paramref name="query"/>: the client's ID, flags and question spelling,
    /// TTLs reduced by <paramref name="ageSeconds"/> (or set to <paramref name="staleTtl"/> when stale), our OPT if the
    /// client used EDNS (with EDE "Stale Answer" when stale). When the answer is larger than <paramref name="maxSize"/>
    /// only the header, question and OPT are written, with TC set. No allocation.
    /// </summary>
    /// <returns>The response length, or 0 if <paramref name="destination"/> is too small even for the truncated form.</returns>
    public int WriteResponse(
        Span<byte> destination, in DnsQueryInfo query, ReadOnlySpan<byte> clientName, long ageSeconds, bool stale, int staleTtl,
        ushort ourPayloadSize, int maxSize)
    {
        const int OptSize = 11;
        const int StaleEdeSize = 6;
        var optSize = query.HasEdns ? OptSize + (stale ? StaleEdeSize : 0) : 0;
        var full = Message.Length + optSize <= Math.Min(maxSize, destination.Length);
        var bodyEnd = full ? Message.Length : QuestionEnd;
        if (bodyEnd + optSize > destination.Length)
        {
            return 0;
        }

        Message.AsSpan(0, bodyEnd).CopyTo(destination);
        clientName.CopyTo(destination[DnsHeader.Size..]); // same length: the key matched case-insensitively

        var upstreamFlags = BinaryPrimitives.ReadUInt16BigEndian(Message.AsSpan(2));
        var bits = DnsHeader.FlagRecursionAvailable
            | (query.Header.Flags & (DnsHeader.FlagRecursionDesired | DnsHeader.FlagCheckingDisabled))
            | (query.DnssecOk || (query.Header.Flags & DnsHeader.FlagAuthenticData) != 0 ? upstreamFlags & DnsHeader.FlagAuthenticData : 0)
            | (full ? 0 : DnsHeader.FlagTruncated);
        BinaryPrimitives.WriteUInt16BigEndian(destination, query.Header.Id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], DnsHeader.MakeFlags(true, DnsOpCode.Query, (ushort)bits, (DnsResponseCode)(upstreamFlags & 0xF)));

        ushort additional;
        if (full)
        {
            foreach (var offset in _ttlOffsets)
            {
                var ttl = BinaryPrimitives.ReadUInt32BigEndian(Message.AsSpan(offset));
                var served = stale ? (uint)staleTtl : (uint)Math.Max(0, ttl - ageSeconds);
                BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], served);
            }

            additional = BinaryPrimitives.ReadUInt16BigEndian(Message.AsSpan(10));
        }
        else
        {
            destination.Slice(6, 6).Clear(); // answer, authority, additional counts
            additional = 0;
        }

        var length = bodyEnd;
        if (query.HasEdns)
        {
            var opt = destination[length..];
            opt[0] = 0; // root owner
            BinaryPrimitives.WriteUInt16BigEndian(opt[1..], (ushort)DnsRecordType.OPT);
            BinaryPrimitives.WriteUInt16BigEndian(opt[3..], ourPayloadSize);
            BinaryPrimitives.WriteUInt32BigEndian(opt[5..], query.DnssecOk ? 0x8000u : 0u);
            BinaryPrimitives.WriteUInt16BigEndian(opt[9..], (ushort)(stale ? StaleEdeSize : 0));
            if (stale)
            {
                BinaryPrimitives.WriteUInt16BigEndian(opt[11..], DnsEdns.ExtendedErrorOptionCode);
                BinaryPrimitives.WriteUInt16BigEndian(opt[13..], 2);
                BinaryPrimitives.WriteUInt16BigEndian(opt[15..], (ushort)DnsExtendedError.StaleAnswer);
            }

            length += optSize;
            additional++;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], additional);
        return length;
    }
}
