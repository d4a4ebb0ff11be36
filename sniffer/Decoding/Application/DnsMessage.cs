using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// A DNS message seen on the wire (any resolver, mDNS too): the header and the first question, decoded by
/// <see cref="TryRead"/>; the answer records are read on demand with <see cref="ReadRecords"/>.
/// </summary>
public readonly ref struct DnsMessage
{
    /// <summary>Header length: 12 bytes.</summary>
    public const int HeaderLength = 12;

    private DnsMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> questionName, ushort questionType, ushort questionClass, int recordsOffset)
    {
        Message = message;
        QuestionName = questionName;
        QuestionType = questionType;
        QuestionClass = questionClass;
        RecordsOffset = recordsOffset;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>Message id.</summary>
    public ushort Id => BinaryPrimitives.ReadUInt16BigEndian(Message);

    /// <summary>Whether this is a response (QR bit).</summary>
    public bool IsResponse => (Message[2] & 0x80) != 0;

    /// <summary>Opcode (0 query, 5 update, …).</summary>
    public int Opcode => (Message[2] >> 3) & 0x0F;

    /// <summary>Response code (0 NOERROR, 3 NXDOMAIN, …).</summary>
    public int ResponseCode => Message[3] & 0x0F;

    /// <summary>QDCOUNT.</summary>
    public int QuestionCount => BinaryPrimitives.ReadUInt16BigEndian(Message[4..]);

    /// <summary>ANCOUNT.</summary>
    public int AnswerCount => BinaryPrimitives.ReadUInt16BigEndian(Message[6..]);

    /// <summary>NSCOUNT.</summary>
    public int AuthorityCount => BinaryPrimitives.ReadUInt16BigEndian(Message[8..]);

    /// <summary>ARCOUNT.</summary>
    public int AdditionalCount => BinaryPrimitives.ReadUInt16BigEndian(Message[10..]);

    /// <summary>The first question's name in dotted form as sent (case kept), empty when there is no question.</summary>
    public ReadOnlySpan<byte> QuestionName { get; }

    /// <summary>The first question's type (1 A, 28 AAAA, 65 HTTPS, …), 0 when there is no question.</summary>
    public ushort QuestionType { get; }

    /// <summary>The first question's class; mDNS uses the top bit as "unicast response wanted".</summary>
    public ushort QuestionClass { get; }

    /// <summary>Offset of the first resource record (after all questions).</summary>
    public int RecordsOffset { get; }

    /// <summary>
    /// Reads the header and the questions, decoding the first name into <paramref name="nameBuffer"/> (at least
    /// <see cref="DnsName.MaxLength"/> bytes; <see cref="QuestionName"/> points into it).
    /// </summary>
    /// <returns><see langword="false"/> when truncated or a question name is malformed.</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, Span<byte> nameBuffer, out DnsMessage message)
    {
        message = default;
        if (data.Length < HeaderLength)
        {
            return false;
        }

        int questions = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var offset = HeaderLength;
        ReadOnlySpan<byte> name = default;
        ushort type = 0, @class = 0;
        for (var i = 0; i < questions; i++)
        {
            int end;
            if (i == 0)
            {
                if (!DnsName.TryRead(data, offset, nameBuffer, out var written, out end))
                {
                    return false;
                }

                name = nameBuffer[..written];
            }
            else
            {
                end = DnsName.Skip(data, offset);
                if (end < 0)
                {
                    return false;
                }
            }

            if ((uint)(end + 4) > (uint)data.Length)
            {
                return false;
            }

            if (i == 0)
            {
                type = BinaryPrimitives.ReadUInt16BigEndian(data[end..]);
                @class = BinaryPrimitives.ReadUInt16BigEndian(data[(end + 2)..]);
            }

            offset = end + 4;
        }

        message = new DnsMessage(data, name, type, @class, offset);
        return true;
    }

    /// <summary>
    /// A reader over the answer, authority and additional records, in order, that decodes each owner name into
    /// <paramref name="nameBuffer"/> (at least <see cref="DnsName.MaxLength"/> bytes).
    /// </summary>
    public DnsRecordReader ReadRecords(Span<byte> nameBuffer) =>
        new(Message, nameBuffer, RecordsOffset, AnswerCount + AuthorityCount + AdditionalCount, AnswerCount);
}

/// <summary>Reads resource records one at a time; stops at the first malformed one.</summary>
public ref struct DnsRecordReader
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly Span<byte> _nameBuffer;
    private readonly int _answerCount;
    private int _offset;
    private int _remaining;
    private int _index;

    internal DnsRecordReader(ReadOnlySpan<byte> message, Span<byte> nameBuffer, int offset, int count, int answerCount)
    {
        _message = message;
        _nameBuffer = nameBuffer;
        _offset = offset;
        _remaining = count;
        _answerCount = answerCount;
    }

    /// <summary>
    /// Reads the next record (its owner name decoded into the reader's name buffer, valid until the next call).
    /// <see langword="false"/> at the end or at a malformed record.
    /// </summary>
    public bool TryReadNext(out DnsRecord record)
    {
        record = default;
        if (_remaining <= 0)
        {
            return false;
        }

        if (!DnsName.TryRead(_message, _offset, _nameBuffer, out var written, out var end) || (uint)(end + 10) > (uint)_message.Length)
        {
            _remaining = 0;
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_message[end..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(_message[(end + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(_message[(end + 4)..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(end + 8)..]);
        var dataOffset = end + 10;
        if (dataOffset + length > _message.Length)
        {
            _remaining = 0;
            return false;
        }

        record = new DnsRecord(_nameBuffer[..written], type, @class, ttl, dataOffset, _message.Slice(dataOffset, length), _index < _answerCount);
        _offset = dataOffset + length;
        _remaining--;
        _index++;
        return true;
    }
}

/// <summary>One resource record.</summary>
public readonly ref struct DnsRecord
{
    internal DnsRecord(ReadOnlySpan<byte> name, ushort type, ushort @class, uint ttl, int dataOffset, ReadOnlySpan<byte> data, bool isAnswer)
    {
        Name = name;
        Type = type;
        Class = @class;
        TimeToLive = ttl;
        DataOffset = dataOffset;
        Data = data;
        IsAnswer = isAnswer;
    }

    /// <summary>Owner name in dotted form.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>Record type (1 A, 5 CNAME, 12 PTR, 28 AAAA, …).</summary>
    public ushort Type { get; }

    /// <summary>Class (mDNS uses the top bit as "cache flush").</summary>
    public ushort Class { get; }

    /// <summary>Time to live in seconds.</summary>
    public uint TimeToLive { get; }

    /// <summary>Offset of <see cref="Data"/> in the message (to decode compressed names in CNAME/PTR data with <see cref="DnsName"/>).</summary>
    public int DataOffset { get; }

    /// <summary>The RDATA.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Whether the record is in the answer section.</summary>
    public bool IsAnswer { get; }

    /// <summary>The address of an A (4 bytes) or AAAA (16 bytes) record; default for other types.</summary>
    public NetAddress Address => Type switch
    {
        1 when Data.Length == 4 => NetAddress.ReadIPv4(Data),
        28 when Data.Length == 16 => NetAddress.ReadIPv6(Data),
        _ => default,
    };
}
