using System.Buffers.Binary;
using System.Security.Cryptography;
using ClassroomGuard.Sniffer.Decoding.Application;

namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>
/// Removes the protection of a client's QUIC Initial packet (RFC 9001 5; RFC 9369 for v2): Initial secrets from the
/// destination connection ID (HKDF-SHA256), header protection (AES-128-ECB on a sample), payload (AES-128-GCM).
/// Anyone can do this — Initial keys are public by design — which is what lets a passive monitor read the SNI.
/// </summary>
internal sealed class QuicInitialDecryptor : IDisposable
{
    // RFC 9001 5.2 and RFC 9369 3.3.1.
    private static readonly byte[] SaltV1 = Convert.FromHexString("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static readonly byte[] SaltV2 = Convert.FromHexString("0dede3def700a6db819381be6e269dcbf9bd2ed9");

    private readonly Aes _headerCipher = Aes.Create();
    private readonly byte[] _header = new byte[MaxHeaderLength];

    /// <summary>Longest Initial header (with token) decrypted; longer tokens are not supported.</summary>
    public const int MaxHeaderLength = 2048;

    /// <summary>
    /// Decrypts the payload of the Initial packet described by <paramref name="header"/> into <paramref name="plaintext"/>.
    /// <see langword="false"/> when the packet is too short, its reserved bits are set, or authentication fails.
    /// </summary>
    public bool TryDecrypt(in QuicLongHeader header, ReadOnlySpan<byte> datagram, Span<byte> plaintext, out int length, out bool authenticationFailed)
    {
        length = 0;
        authenticationFailed = false;
        var pnOffset = header.PacketNumberOffset;
        var packetEnd = header.PacketLength;

        // The sample starts 4 bytes after the packet number's start, whatever its length (RFC 9001 5.4.2).
        if (packetEnd - pnOffset < 4 + 16 || pnOffset + 4 > MaxHeaderLength)
        {
            return false;
        }

        var v2 = header.Version == QuicLongHeader.Version2;
        Span<byte> initialSecret = stackalloc byte[32];
        Span<byte> clientSecret = stackalloc byte[32];
        Span<byte> key = stackalloc byte[16];
        Span<byte> iv = stackalloc byte[12];
        Span<byte> hp = stackalloc byte[16];
        HKDF.Extract(HashAlgorithmName.SHA256, header.DestinationConnectionId, v2 ? SaltV2 : SaltV1, initialSecret);
        ExpandLabel(initialSecret, "client in"u8, clientSecret);
        ExpandLabel(clientSecret, v2 ? "quicv2 key"u8 : "quic key"u8, key);
        ExpandLabel(clientSecret, v2 ? "quicv2 iv"u8 : "quic iv"u8, iv);
        ExpandLabel(clientSecret, v2 ? "quicv2 hp"u8 : "quic hp"u8, hp);

        Span<byte> mask = stackalloc byte[16];
        _headerCipher.SetKey(hp);
        _headerCipher.EncryptEcb(datagram.Slice(pnOffset + 4, 16), mask, PaddingMode.None);

        var first = (byte)(datagram[0] ^ (mask[0] & 0x0F));
        var pnLength = (first & 0x03) + 1;

        // Reserved bits must be zero once protection is off (RFC 9000 17.2): a cheap check before the AEAD.
        if ((first & 0x0C) != 0)
        {
            return false;
        }

        var headerLength = pnOffset + pnLength;
        var aad = _header.AsSpan(0, headerLength);
        datagram[..headerLength].CopyTo(aad);
        aad[0] = first;
        ulong packetNumber = 0;
        for (var i = 0; i < pnLength; i++)
        {
            aad[pnOffset + i] ^= mask[1 + i];
            packetNumber = (packetNumber << 8) | aad[pnOffset + i];
        }

        var ciphertextLength = packetEnd - headerLength - 16;
        if (ciphertextLength <= 0 || ciphertextLength > plaintext.Length)
        {
            return false;
        }

        // Nonce: the IV XORed with the packet number, right-aligned (RFC 9001 5.3).
        Span<byte> nonce = stackalloc byte[12];
        iv.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ packetNumber);

        using var aead = new AesGcm(key, 16);
        try
        {
            aead.Decrypt(nonce, datagram.Slice(headerLength, ciphertextLength), datagram.Slice(headerLength + ciphertextLength, 16), plaintext[..ciphertextLength], aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            authenticationFailed = true;
            return false;
        }

        length = ciphertextLength;
        return true;
    }

    public void Dispose() => _headerCipher.Dispose();

    // HKDF-Expand-Label (RFC 8446 7.1) with an empty context: length(2) | len("tls13 " + label)(1) | label | 0.
    private static void ExpandLabel(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, Span<byte> output)
    {
        Span<byte> info = stackalloc byte[2 + 1 + 6 + label.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        info[2] = (byte)(6 + label.Length);
        "tls13 "u8.CopyTo(info[3..]);
        label.CopyTo(info[9..]);
        info[^1] = 0;
        HKDF.Expand(HashAlgorithmName.SHA256, secret, output, info);
    }
}
