using ClassroomGuard.Dns.Protocol;
using WireRecord = ClassroomGuard.Dns.Protocol.DnsRecord;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// A DNS message seen on the wire (any resolver, mDNS and LLMNR too), as the sinks see it: the header and the first
/// question's name in dotted form, the answer records on demand with <see cref="ReadRecords"/>. A view only: the wire
/// format (names, compression pointers, records, rdata) is read by the shared codec (<see cref="DnsMessageReader"/> in
/// dns/Protocol, the DNS filter's own reader), so the sniffer and the filter cannot disagree about a message.
/// </summary>
public readonly ref struct DnsMessage
{
    /// <summary>Header length: 12 bytes.</summary>
    public const int HeaderLength = DnsHeader.Size;

    // Positioned after the questions; each ReadRecords call starts from its own copy.
    private readonly DnsMessageReader _records;

    private DnsMessage(ReadOnlySpan<byte> message, DnsHeader header, ReadOnlySpan<byte> questionName, ushort questionType, ushort questionClass, DnsMessageReader records)
    {
        Message = message;
        Header = header;
        QuestionName = questionName;
        QuestionType = questionType;
        QuestionClass = questionClass;
        _records = records;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The header as the shared codec read it (id, flags, counts).</summary>
    public DnsHeader Header { get; }

    /// <summary>Message id.</summary>
    public ushort Id => Header.Id;

    /// <summary>Whether this is a response (QR bit).</summary>
    public bool IsResponse => Header.IsResponse;

    /// <summary>Opcode (0 query, 5 update, …).</summary>
    public int Opcode => (int)Header.OpCode;

    /// <summary>Response code (0 NOERROR, 3 NXDOMAIN, …): the header's four bits.</summary>
    public int ResponseCode => (int)Header.ResponseCode;

    /// <summary>QDCOUNT.</summary>
    public int QuestionCount => Header.QuestionCount;

    /// <summary>ANCOUNT.</summary>
    public int AnswerCount => Header.AnswerCount;

    /// <summary>NSCOUNT.</summary>
    public int AuthorityCount => Header.AuthorityCount;

    /// <summary>ARCOUNT.</summary>
    public int AdditionalCount => Header.AdditionalCount;

    /// <summary>The first question's name in dotted form as sent (case kept), empty when there is no question.</summary>
    public ReadOnlySpan<byte> QuestionName { get; }

    /// <summary>The first question's type (1 A, 28 AAAA, 65 HTTPS, …), 0 when there is no question.</summary>
    public ushort QuestionType { get; }

    /// <summary>The first question's class as sent; in mDNS the top bit asks for a unicast response (<see cref="DnsMulticast"/>).</summary>
    public ushort QuestionClass { get; }

    /// <summary>Offset of the first resource record (after all questions).</summary>
    public int RecordsOffset => _records.Position;

    /// <summary>
    /// Reads the header and every question with the shared codec, the first name into <paramref name="nameBuffer"/>
    /// (at least <see cref="DnsName.MaxLength"/> bytes; <see cref="QuestionName"/> points into it).
    /// </summary>
    /// <returns><see langword="false"/> when truncated, a count promises more questions than the message holds, or a
    /// question name is malformed (pointer loop or forward pointer, too many pointers, a label or name too long).</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, Span<byte> nameBuffer, out DnsMessage message)
    {
        message = default;
        var reader = new DnsMessageReader(data);
        if (!reader.TryReadHeader(out var header))
        {
            return false;
        }

        ReadOnlySpan<byte> name = default;
        ushort type = 0, @class = 0;
        for (var i = 0; i < header.QuestionCount; i++)
        {
            // Only the first name is copied; the others are validated in place.
            if (!reader.TryReadQuestion(i == 0 ? nameBuffer : default, out var question))
            {
                return false;
            }

            if (i == 0)
            {
                if (!DnsDottedName.TryDotInPlace(nameBuffer[..question.Name.Length], out var dotted))
                {
                    return false; // no buffer to read the name into
                }

                name = dotted;
                type = question.Type;
                @class = question.Class;
            }
        }

        message = new DnsMessage(data, header, name, type, @class, reader);
        return true;
    }

    /// <summary>
    /// A reader over the answer, authority and additional records, in order, that decodes each owner name into
    /// <paramref name="nameBuffer"/> (at least <see cref="DnsName.MaxLength"/> bytes).
    /// </summary>
    public DnsRecordReader ReadRecords(Span<byte> nameBuffer) =>
        new(Message, _records, nameBuffer, AnswerCount + AuthorityCount + AdditionalCount, AnswerCount);
}

/// <summary>Reads resource records one at a time with the shared codec; stops at the first malformed one.</summary>
public ref struct DnsRecordReader
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly Span<byte> _nameBuffer;
    private readonly int _answerCount;
    private DnsMessageReader _reader;
    private int _remaining;
    private int _index;

    internal DnsRecordReader(ReadOnlySpan<byte> message, DnsMessageReader reader, Span<byte> nameBuffer, int count, int answerCount)
    {
        _message = message;
        _reader = reader;
        _nameBuffer = nameBuffer;
        _remaining = count;
        _answerCount = answerCount;
    }

    /// <summary>
    /// Reads the next record (its owner name, dotted, in the reader's name buffer, valid until the next call).
    /// <see langword="false"/> at the end or at a malformed record (then at every later call too).
    /// </summary>
    public bool TryReadNext(out DnsRecord record)
    {
        record = default;
        if (_remaining <= 0)
        {
            return false;
        }

        if (!_reader.TryReadRecord(_nameBuffer, out var wire))
        {
            _remaining = 0;
            return false;
        }

        if (!DnsDottedName.TryDotInPlace(_nameBuffer[..wire.Name.Length], out var name))
        {
            _remaining = 0;
            return false; // no buffer to read the name into
        }

        record = new DnsRecord(_message, name, wire, _index < _answerCount);
        _remaining--;
        _index++;
        return true;
    }
}

/// <summary>One resource record, as the shared codec read it, with its owner name in dotted form.</summary>
public readonly ref struct DnsRecord
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly WireRecord _wire;

    internal DnsRecord(ReadOnlySpan<byte> message, ReadOnlySpan<byte> name, WireRecord wire, bool isAnswer)
    {
        _message = message;
        _wire = wire;
        Name = name;
        IsAnswer = isAnswer;
    }

    /// <summary>Owner name in dotted form.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>Record type (1 A, 5 CNAME, 12 PTR, 28 AAAA, …).</summary>
    public ushort Type => _wire.Type;

    /// <summary>Class as sent (mDNS uses the top bit as "cache flush": <see cref="DnsMulticast"/>).</summary>
    public ushort Class => _wire.Class;

    /// <summary>Time to live in seconds.</summary>
    public uint TimeToLive => _wire.Ttl;

    /// <summary>Offset of <see cref="Data"/> in the message.</summary>
    public int DataOffset => _wire.RDataOffset;

    /// <summary>The RDATA.</summary>
    public ReadOnlySpan<byte> Data => _wire.RData;

    /// <summary>Whether the record is in the answer section.</summary>
    public bool IsAnswer { get; }

    /// <summary>The address of an A or AAAA record of class IN (<see cref="DnsRData.AddressOf"/>); default otherwise.</summary>
    public NetAddress Address
    {
        get
        {
            var bytes = DnsRData.AddressOf(_wire);
            return bytes.Length switch
            {
                4 => NetAddress.ReadIPv4(bytes),
                16 => NetAddress.ReadIPv6(bytes),
                _ => default,
            };
        }
    }

    /// <summary>
    /// The target of a CNAME, PTR or NS record in dotted form (compression pointers followed by the shared codec), made in
    /// <paramref name="destination"/> (at least <see cref="DnsName.MaxLength"/> bytes; <paramref name="target"/> points into it).
    /// </summary>
    /// <returns><see langword="false"/> for other types or a malformed name.</returns>
    public bool TryReadTargetName(Span<byte> destination, out ReadOnlySpan<byte> target)
    {
        target = default;
        if (Type is not ((ushort)DnsRecordType.CNAME or (ushort)DnsRecordType.PTR or (ushort)DnsRecordType.NS)
            || !DnsRData.TryReadName(_message, _wire, destination, out var length)
            || !DnsDottedName.TryDotInPlace(destination[..length], out var dotted))
        {
            return false;
        }

        target = dotted;
        return true;
    }
}
