using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>
/// Writes a DNS message into a caller-provided buffer, compressing names (RFC 1035 §4.1.4) against
/// names already written. Every method returns false when the buffer is full, leaving the message up
/// to the last complete item intact (callers then truncate and set TC). Section counts are kept by the
/// writer and patched into the header by <see cref="Complete"/>.
/// </summary>
public ref struct DnsMessageWriter
{
    private const int MaxPointerOffset = 0x3FFF;
    private readonly Span<byte> _buffer;
    private CompressionTable _table;
    private int _tableCount;
    private ushort _questions;
    private ushort _answers;
    private ushort _authority;
    private ushort _additional;
    private int _optRdLengthOffset;

    /// <summary>Creates a writer over <paramref name="buffer"/>, positioned after the header.</summary>
    public DnsMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        Position = Math.Min(DnsHeader.Size, buffer.Length);
        _optRdLengthOffset = -1;
    }

    /// <summary>Bytes written so far (the message length once <see cref="Complete"/> has run).</summary>
    public int Position { get; private set; }

    /// <summary>The header's flags word written by <see cref="Complete"/>.</summary>
    public ushort Flags { get; set; }

    /// <summary>The message ID written by <see cref="Complete"/>.</summary>
    public ushort Id { get; set; }

    /// <summary>Writes the header with the section counts. Returns false if the buffer cannot hold a header.</summary>
    public readonly bool Complete()
        => new DnsHeader(Id, Flags, _questions, _answers, _authority, _additional).TryWrite(_buffer);

    /// <summary>Writes a question.</summary>
    public bool TryWriteQuestion(ReadOnlySpan<byte> name, ushort type, ushort @class)
    {
        var start = Position;
        if (!TryWriteName(name) || !TryWriteUInt16(type) || !TryWriteUInt16(@class))
        {
            Position = start;
            return false;
        }

        _questions++;
        return true;
    }

    /// <summary>Writes an A record.</summary>
    public bool TryWriteA(DnsSection section, ReadOnlySpan<byte> name, uint ttl, ReadOnlySpan<byte> address4)
        => address4.Length == 4 && TryWriteRaw(section, name, (ushort)DnsRecordType.A, (ushort)DnsClass.IN, ttl, address4);

    /// <summary>Writes an AAAA record.</summary>
    public bool TryWriteAaaa(DnsSection section, ReadOnlySpan<byte> name, uint ttl, ReadOnlySpan<byte> address16)
        => address16.Length == 16 && TryWriteRaw(section, name, (ushort)DnsRecordType.AAAA, (ushort)DnsClass.IN, ttl, address16);

    /// <summary>Writes an NS, CNAME or PTR record (the target name is compressed).</summary>
    public bool TryWriteNameRecord(DnsSection section, DnsRecordType type, ReadOnlySpan<byte> name, uint ttl, ReadOnlySpan<byte> target)
    {
        var start = Position;
        if (!TryBeginRecord(name, (ushort)type, (ushort)DnsClass.IN, ttl, out var rdLengthOffset) || !TryWriteName(target))
        {
            return Fail(start);
        }

        return EndRecord(section, rdLengthOffset);
    }

    /// <summary>Writes an MX record.</summary>
    public bool TryWriteMx(DnsSection section, ReadOnlySpan<byte> name, uint ttl, ushort preference, ReadOnlySpan<byte> exchange)
    {
        var start = Position;
        if (!TryBeginRecord(name, (ushort)DnsRecordType.MX, (ushort)DnsClass.IN, ttl, out var rdLengthOffset)
            || !TryWriteUInt16(preference) || !TryWriteName(exchange))
        {
            return Fail(start);
        }

        return EndRecord(section, rdLengthOffset);
    }

    /// <summary>Writes an SOA record.</summary>
    public bool TryWriteSoa(DnsSection section, ReadOnlySpan<byte> name, uint ttl, ReadOnlySpan<byte> mname, ReadOnlySpan<byte> rname, in DnsSoaTimers timers)
    {
        var start = Position;
        if (!TryBeginRecord(name, (ushort)DnsRecordType.SOA, (ushort)DnsClass.IN, ttl, out var rdLengthOffset)
            || !TryWriteName(mname) || !TryWriteName(rname)
            || !TryWriteUInt32(timers.Serial) || !TryWriteUInt32(timers.Refresh) || !TryWriteUInt32(timers.Retry)
            || !TryWriteUInt32(timers.Expire) || !TryWriteUInt32(timers.Minimum))
        {
            return Fail(start);
        }

        return EndRecord(section, rdLengthOffset);
    }

    /// <summary>Writes a TXT record holding one character-string per 255 bytes of <paramref name="text"/>.</summary>
    public bool TryWriteTxt(DnsSection section, ReadOnlySpan<byte> name, uint ttl, ReadOnlySpan<byte> text)
    {
        var start = Position;
        if (!TryBeginRecord(name, (ushort)DnsRecordType.TXT, (ushort)DnsClass.IN, ttl, out var rdLengthOffset))
        {
            return Fail(start);
        }

        do
        {
            var chunk = text[..Math.Min(255, text.Length)];
            if (Position + 1 + chunk.Length > _buffer.Length)
            {
                return Fail(start);
            }

            _buffer[Position++] = (byte)chunk.Length;
            chunk.CopyTo(_buffer[Position..]);
            Position += chunk.Length;
            text = text[chunk.Length..];
        }
        while (!text.IsEmpty);

        return EndRecord(section, rdLengthOffset);
    }

    /// <summary>Writes a record with opaque rdata (unknown types, or rdata copied verbatim; names in it are not compressed).</summary>
    public bool TryWriteRaw(DnsSection section, ReadOnlySpan<byte> name, ushort type, ushort @class, uint ttl, ReadOnlySpan<byte> rdata)
    {
        var start = Position;
        if (!TryBeginRecord(name, type, @class, ttl, out var rdLengthOffset) || Position + rdata.Length > _buffer.Length)
        {
            return Fail(start);
        }

        rdata.CopyTo(_buffer[Position..]);
        Position += rdata.Length;
        return EndRecord(section, rdLengthOffset);
    }

    /// <summary>
    /// Writes the OPT pseudo-record (RFC 6891) in the additional section. EDNS options may follow with
    /// <see cref="TryWriteEdnsOption"/> as long as nothing else is written after the OPT.
    /// </summary>
    public bool TryWriteOpt(ushort udpPayloadSize, bool dnssecOk, byte extendedResponseCode = 0)
    {
        var start = Position;
        var ttl = ((uint)extendedResponseCode << 24) | (dnssecOk ? 0x8000u : 0u);
        if (!TryBeginRecord(DnsName.Root, (ushort)DnsRecordType.OPT, udpPayloadSize, ttl, out var rdLengthOffset))
        {
            return Fail(start);
        }

        _optRdLengthOffset = rdLengthOffset;
        return EndRecord(DnsSection.Additional, rdLengthOffset);
    }

    /// <summary>Appends an option to the OPT record just written.</summary>
    public bool TryWriteEdnsOption(ushort code, ReadOnlySpan<byte> data)
    {
        if (_optRdLengthOffset < 0 || Position + 4 + data.Length > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], code);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position + 2)..], (ushort)data.Length);
        data.CopyTo(_buffer[(Position + 4)..]);
        Position += 4 + data.Length;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_optRdLengthOffset..], (ushort)(Position - _optRdLengthOffset - 2));
        return true;
    }

    /// <summary>Appends an Extended DNS Error option (RFC 8914) with UTF-8 extra text to the OPT just written.</summary>
    public bool TryWriteExtendedError(DnsExtendedError code, ReadOnlySpan<char> extraText)
    {
        var textBytes = Encoding.UTF8.GetByteCount(extraText);
        if (_optRdLengthOffset < 0 || textBytes > 1024 || Position + 6 + textBytes > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], DnsEdns.ExtendedErrorOptionCode);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position + 2)..], (ushort)(2 + textBytes));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position + 4)..], (ushort)code);
        Encoding.UTF8.GetBytes(extraText, _buffer[(Position + 6)..]);
        Position += 6 + textBytes;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_optRdLengthOffset..], (ushort)(Position - _optRdLengthOffset - 2));
        return true;
    }

    /// <summary>
    /// Writes a name (uncompressed wire form), replacing its longest suffix already present in the
    /// message by a pointer. Suffix offsets of written names are remembered (up to 64).
    /// </summary>
    public bool TryWriteName(ReadOnlySpan<byte> name)
    {
        if (!DnsName.IsValidUncompressed(name))
        {
            return false;
        }

        // Find the longest suffix (= earliest label start) already in the message.
        var prefixLength = name.Length - 1; // default: no match, write all labels then the root byte
        var pointer = -1;
        for (var labelStart = 0; labelStart < name.Length - 1 && pointer < 0; labelStart += 1 + name[labelStart])
        {
            var suffix = name[labelStart..];
            for (var t = 0; t < _tableCount; t++)
            {
                if (SuffixMatches(_table[t], suffix))
                {
                    pointer = _table[t];
                    prefixLength = labelStart;
                    break;
                }
            }
        }

        var needed = prefixLength + (pointer >= 0 ? 2 : 1);
        if (Position + needed > _buffer.Length)
        {
            return false;
        }

        // Remember where each newly written label run starts, for later names.
        for (var labelStart = 0; labelStart < prefixLength; labelStart += 1 + name[labelStart])
        {
            var at = Position + labelStart;
            if (_tableCount < CompressionTable.Capacity && at <= MaxPointerOffset)
            {
                _table[_tableCount++] = (ushort)at;
            }
        }

        name[..prefixLength].CopyTo(_buffer[Position..]);
        Position += prefixLength;
        if (pointer >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], (ushort)(0xC000 | pointer));
            Position += 2;
        }
        else
        {
            _buffer[Position++] = 0;
        }

        return true;
    }

    private bool TryBeginRecord(ReadOnlySpan<byte> name, ushort type, ushort @class, uint ttl, out int rdLengthOffset)
    {
        rdLengthOffset = -1;
        if (!TryWriteName(name) || Position + 10 > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position + 2)..], @class);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(Position + 4)..], ttl);
        rdLengthOffset = Position + 8;
        Position += 10;
        return true;
    }

    private bool EndRecord(DnsSection section, int rdLengthOffset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[rdLengthOffset..], (ushort)(Position - rdLengthOffset - 2));
        switch (section)
        {
            case DnsSection.Answer: _answers++; break;
            case DnsSection.Authority: _authority++; break;
            default: _additional++; break;
        }

        return true;
    }

    private bool Fail(int start)
    {
        // Compression entries pointing into the abandoned bytes must go too.
        while (_tableCount > 0 && _table[_tableCount - 1] >= start)
        {
            _tableCount--;
        }

        Position = start;
        return false;
    }

    private bool TryWriteUInt16(ushort value)
    {
        if (Position + 2 > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
        return true;
    }

    private bool TryWriteUInt32(uint value)
    {
        if (Position + 4 > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
        return true;
    }

    // Compares a name already in the buffer (may contain our own pointers) with an uncompressed suffix.
    private readonly bool SuffixMatches(int offset, ReadOnlySpan<byte> suffix)
    {
        var i = 0;
        var hops = 0;
        while (true)
        {
            if ((uint)offset >= (uint)Position)
            {
                return false;
            }

            int len = _buffer[offset];
            if ((len & 0xC0) == 0xC0)
            {
                if (++hops > DnsName.DefaultMaxCompressionPointers || offset + 1 >= Position)
                {
                    return false;
                }

                offset = ((len & 0x3F) << 8) | _buffer[offset + 1];
                continue;
            }

            if (len != suffix[i])
            {
                return false;
            }

            if (len == 0)
            {
                return true;
            }

            if (offset + 1 + len > Position
                || !DnsName.EqualsIgnoreCase(_buffer.Slice(offset + 1, len), suffix.Slice(i + 1, len)))
            {
                return false;
            }

            offset += 1 + len;
            i += 1 + len;
        }
    }

    [InlineArray(Capacity)]
    private struct CompressionTable
    {
        public const int Capacity = 64;
        private ushort _element;
    }
}
