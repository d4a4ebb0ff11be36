using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>The TLS record layer, only as far as finding a ClientHello at the start of a TCP stream.</summary>
public static class TlsRecord
{
    /// <summary>Record header: type, version, length — 5 bytes.</summary>
    public const int HeaderLength = 5;

    /// <summary>Largest plaintext record (2^14) plus the expansion a peer may add (RFC 8446 5.2: 256, RFC 5246: 2048).</summary>
    public const int MaxRecordLength = 16384 + 2048;

    private const byte Handshake = 22;
    private const byte ClientHelloType = 1;

    /// <summary>
    /// Looks at the first bytes of a TCP payload. <see cref="TlsRecordStatus.ClientHello"/>: <paramref name="recordLength"/>
    /// bytes (header included) hold a handshake record that starts a ClientHello and all of them are here;
    /// <see cref="TlsRecordStatus.Incomplete"/>: it starts one but <paramref name="recordLength"/> bytes are needed;
    /// <see cref="TlsRecordStatus.NotClientHello"/>: anything else.
    /// </summary>
    public static TlsRecordStatus Inspect(ReadOnlySpan<byte> payload, out int recordLength)
    {
        recordLength = 0;

        // Six bytes tell a ClientHello record apart from everything else: type 22, version 3.x, length, handshake type 1.
        if (payload.Length < HeaderLength + 1 || payload[0] != Handshake || payload[1] != 3 || payload[5] != ClientHelloType)
        {
            return TlsRecordStatus.NotClientHello;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
        if (length < 4 || length > MaxRecordLength)
        {
            return TlsRecordStatus.NotClientHello;
        }

        recordLength = HeaderLength + length;
        return payload.Length >= recordLength ? TlsRecordStatus.ClientHello : TlsRecordStatus.Incomplete;
    }
}

/// <summary>What <see cref="TlsRecord.Inspect"/> found.</summary>
public enum TlsRecordStatus
{
    /// <summary>Not the start of a ClientHello record.</summary>
    NotClientHello,

    /// <summary>A complete ClientHello record.</summary>
    ClientHello,

    /// <summary>The start of a ClientHello record whose rest is in later segments.</summary>
    Incomplete,
}
