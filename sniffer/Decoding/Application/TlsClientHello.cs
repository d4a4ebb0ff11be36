using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// The parts of a TLS ClientHello handshake message the appliance needs: the server name (SNI), the ALPN list and whether
/// Encrypted Client Hello is offered. Works for TLS over TCP (after the record header) and QUIC (CRYPTO frame data).
/// </summary>
public readonly ref struct TlsClientHello
{
    private const ushort ServerNameExtension = 0;
    private const ushort AlpnExtension = 16;
    private const ushort EncryptedClientHelloExtension = 0xfe0d;

    private TlsClientHello(ushort legacyVersion, ReadOnlySpan<byte> serverName, ReadOnlySpan<byte> alpn, bool ech, int extensionCount)
    {
        LegacyVersion = legacyVersion;
        ServerName = serverName;
        AlpnList = alpn;
        OffersEncryptedClientHello = ech;
        ExtensionCount = extensionCount;
    }

    /// <summary>legacy_version (0x0303 for TLS 1.2 and 1.3).</summary>
    public ushort LegacyVersion { get; }

    /// <summary>The first host_name of the server_name extension, raw bytes as sent; empty when absent.</summary>
    public ReadOnlySpan<byte> ServerName { get; }

    /// <summary>The ALPN ProtocolNameList body (length-prefixed names); iterate with <see cref="AlpnProtocols"/>.</summary>
    public ReadOnlySpan<byte> AlpnList { get; }

    /// <summary>Whether the encrypted_client_hello extension is present (the real SNI is then hidden).</summary>
    public bool OffersEncryptedClientHello { get; }

    /// <summary>Number of extensions.</summary>
    public int ExtensionCount { get; }

    /// <summary>The ALPN protocol names, e.g. <c>h2</c>, <c>http/1.1</c>.</summary>
    public AlpnEnumerator AlpnProtocols => new(AlpnList);

    /// <summary>
    /// Reads a ClientHello handshake message starting at its type byte (1). <see langword="false"/> when it is not a
    /// ClientHello, anything overruns its length, or an extension is malformed.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> handshake, out TlsClientHello hello)
    {
        hello = default;
        if (handshake.Length < 4 || handshake[0] != 1)
        {
            return false;
        }

        var bodyLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
        if ((uint)(4 + bodyLength) > (uint)handshake.Length)
        {
            return false;
        }

        var body = handshake.Slice(4, bodyLength);

        // legacy_version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2> compression<1..2^8-1> extensions<0..2^16-1>
        var offset = 34;
        if ((uint)offset >= (uint)body.Length)
        {
            return false;
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(body);
        int sessionLength = body[offset];
        if (sessionLength > 32)
        {
            return false;
        }

        offset += 1 + sessionLength;
        if ((uint)(offset + 2) > (uint)body.Length)
        {
            return false;
        }

        offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
        if ((uint)offset >= (uint)body.Length)
        {
            return false;
        }

        offset += 1 + body[offset];
        if (offset == body.Length)
        {
            // A ClientHello without extensions (old clients): valid, no SNI.
            hello = new TlsClientHello(version, default, default, false, 0);
            return true;
        }

        if ((uint)(offset + 2) > (uint)body.Length)
        {
            return false;
        }

        int extensionsLength = BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
        offset += 2;
        if (offset + extensionsLength > body.Length)
        {
            return false;
        }

        var extensions = body.Slice(offset, extensionsLength);
        ReadOnlySpan<byte> serverName = default, alpn = default;
        var ech = false;
        var count = 0;
        var i = 0;
        while (i < extensions.Length)
        {
            if ((uint)(i + 4) > (uint)extensions.Length)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions[i..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(extensions[(i + 2)..]);
            if (i + 4 + length > extensions.Length)
            {
                return false;
            }

            var data = extensions.Slice(i + 4, length);
            switch (type)
            {
                case ServerNameExtension when serverName.IsEmpty:
                    if (!TryReadServerName(data, out serverName))
                    {
                        return false;
                    }

                    break;
                case AlpnExtension when alpn.IsEmpty:
                    if (data.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(data) != data.Length - 2 || !AlpnEnumerator.IsWellFormed(data[2..]))
                    {
                        return false;
                    }

                    alpn = data[2..];
                    break;
                case EncryptedClientHelloExtension:
                    ech = true;
                    break;
            }

            count++;
            i += 4 + length;
        }

        hello = new TlsClientHello(version, serverName, alpn, ech, count);
        return true;
    }

    // server_name: list length(2), then entries of name_type(1) length(2) name; take the first host_name (type 0).
    private static bool TryReadServerName(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (data.Length == 0)
        {
            // A server echoes an empty server_name; a client may not send one, but it is harmless.
            return true;
        }

        if (data.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(data) != data.Length - 2)
        {
            return false;
        }

        var list = data[2..];
        var i = 0;
        while (i < list.Length)
        {
            if ((uint)(i + 3) > (uint)list.Length)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(list[(i + 1)..]);
            if (i + 3 + length > list.Length)
            {
                return false;
            }

            if (list[i] == 0 && name.IsEmpty)
            {
                name = list.Slice(i + 3, length);
            }

            i += 3 + length;
        }

        return true;
    }
}

/// <summary>Enumerates an ALPN ProtocolNameList body (each name prefixed by its one-byte length).</summary>
public ref struct AlpnEnumerator
{
    private readonly ReadOnlySpan<byte> _list;
    private int _offset;

    internal AlpnEnumerator(ReadOnlySpan<byte> list)
    {
        _list = list;
        _offset = 0;
        Current = default;
    }

    /// <summary>The current protocol name.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Enables <c>foreach</c>.</summary>
    public readonly AlpnEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next name.</summary>
    public bool MoveNext()
    {
        if ((uint)_offset >= (uint)_list.Length)
        {
            return false;
        }

        int length = _list[_offset];
        if (length == 0 || _offset + 1 + length > _list.Length)
        {
            return false;
        }

        Current = _list.Slice(_offset + 1, length);
        _offset += 1 + length;
        return true;
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> list)
    {
        var i = 0;
        while (i < list.Length)
        {
            int length = list[i];
            if (length == 0 || i + 1 + length > list.Length)
            {
                return false;
            }

            i += 1 + length;
        }

        return true;
    }
}
