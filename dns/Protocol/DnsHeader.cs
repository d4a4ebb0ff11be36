using System.Buffers.Binary;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>The fixed 12-byte DNS message header (RFC 1035 §4.1.1).</summary>
public readonly record struct DnsHeader(
    ushort Id, ushort Flags, ushort QuestionCount, ushort AnswerCount, ushort AuthorityCount, ushort AdditionalCount)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 12;

    /// <summary>QR bit: the message is a response.</summary>
    public const ushort FlagResponse = 0x8000;
    /// <summary>AA bit: authoritative answer.</summary>
    public const ushort FlagAuthoritative = 0x0400;
    /// <summary>TC bit: truncated.</summary>
    public const ushort FlagTruncated = 0x0200;
    /// <summary>RD bit: recursion desired.</summary>
    public const ushort FlagRecursionDesired = 0x0100;
    /// <summary>RA bit: recursion available.</summary>
    public const ushort FlagRecursionAvailable = 0x0080;
    /// <summary>AD bit: authentic data (RFC 4035).</summary>
    public const ushort FlagAuthenticData = 0x0020;
    /// <summary>CD bit: checking disabled (RFC 4035).</summary>
    public const ushort FlagCheckingDisabled = 0x0010;

    /// <summary>True when QR is set.</summary>
    public bool IsResponse => (Flags & FlagResponse) != 0;

    /// <summary>The 4-bit opcode.</summary>
    public DnsOpCode OpCode => (DnsOpCode)((Flags >> 11) & 0xF);

    /// <summary>True when TC is set.</summary>
    public bool IsTruncated => (Flags & FlagTruncated) != 0;

    /// <summary>True when RD is set.</summary>
    public bool RecursionDesired => (Flags & FlagRecursionDesired) != 0;

    /// <summary>The low 4 bits of the response code (the rest lives in OPT).</summary>
    public DnsResponseCode ResponseCode => (DnsResponseCode)(Flags & 0xF);

    /// <summary>Reads a header from the first 12 bytes of <paramref name="message"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out DnsHeader header)
    {
        if (message.Length < Size)
        {
            header = default;
            return false;
        }

        header = new DnsHeader(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[10..]));
        return true;
    }

    /// <summary>Writes the header into the first 12 bytes of <paramref name="destination"/>.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], QuestionCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], AnswerCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], AuthorityCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], AdditionalCount);
        return true;
    }

    /// <summary>Composes a flags word.</summary>
    public static ushort MakeFlags(bool response, DnsOpCode opCode, ushort bits, DnsResponseCode responseCode)
        => (ushort)((response ? FlagResponse : 0) | (((int)opCode & 0xF) << 11) | (bits & 0x07F0) | ((int)responseCode & 0xF));
}
