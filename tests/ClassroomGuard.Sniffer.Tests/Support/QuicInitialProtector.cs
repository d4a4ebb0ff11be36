using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// Builds protected client Initial packets (the sender's side of RFC 9001 5), for tests and the benchmark generator.
/// Checked byte for byte against the RFC 9001 and RFC 9369 vectors, so packets it builds are what real clients send.
/// </summary>
internal static class QuicInitialProtector
{
    public const uint Version1 = 1;
    public const uint Version2 = 0x6b3343cf;

    public static byte[] Protect(uint version, ReadOnlySpan<byte> destinationId, ReadOnlySpan<byte> sourceId, uint packetNumber, ReadOnlySpan<byte> frames, int datagramLength = 1200)
    {
        var v2 = version == Version2;
        Span<byte> secret = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, destinationId,
            Convert.FromHexString(v2 ? "0dede3def700a6db819381be6e269dcbf9bd2ed9" : "38762cf7f55934b34d179ae6a4c80cadccbb7f0a"), secret);
        var client = ExpandLabel(secret, "client in", 32);
        var key = ExpandLabel(client, v2 ? "quicv2 key" : "quic key", 16);
        var iv = ExpandLabel(client, v2 ? "quicv2 iv" : "quic iv", 12);
        var hp = ExpandLabel(client, v2 ? "quicv2 hp" : "quic hp", 16);

        // Header with a 4-byte packet number and a 2-byte Length; the payload is padded so the datagram has the length asked.
        var header = new List<byte> { (byte)((v2 ? 0xD0 : 0xC0) | 0x03) };
        header.AddRange([(byte)(version >> 24), (byte)(version >> 16), (byte)(version >> 8), (byte)version]);
        header.Add((byte)destinationId.Length);
        header.AddRange(destinationId.ToArray());
        header.Add((byte)sourceId.Length);
        header.AddRange(sourceId.ToArray());
        header.Add(0);
        var pnOffset = header.Count + 2;
        var payloadLength = Math.Max(frames.Length, datagramLength - pnOffset - 4 - 16);
        var length = 4 + payloadLength + 16;
        header.AddRange([(byte)(0x40 | (length >> 8)), (byte)length]);
        header.AddRange([(byte)(packetNumber >> 24), (byte)(packetNumber >> 16), (byte)(packetNumber >> 8), (byte)packetNumber]);

        var plaintext = new byte[payloadLength];
        frames.CopyTo(plaintext);
        var packet = new byte[header.Count + payloadLength + 16];
        header.CopyTo(packet);
        var nonce = (byte[])iv.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), BinaryPrimitives.ReadUInt64BigEndian(nonce.AsSpan(4)) ^ packetNumber);
        using (var aead = new AesGcm(key, 16))
        {
            aead.Encrypt(nonce, plaintext, packet.AsSpan(header.Count, payloadLength), packet.AsSpan(header.Count + payloadLength, 16), packet.AsSpan(0, header.Count));
        }

        using var aes = Aes.Create();
        aes.Key = hp;
        var mask = aes.EncryptEcb(packet.AsSpan(pnOffset + 4, 16), PaddingMode.None);
        packet[0] ^= (byte)(mask[0] & 0x0F);
        for (var i = 0; i < 4; i++)
        {
            packet[pnOffset + i] ^= mask[1 + i];
        }

        return packet;
    }

    /// <summary>A CRYPTO frame (type 6, offset, length, data).</summary>
    public static byte[] CryptoFrame(int offset, ReadOnlySpan<byte> data) =>
        [0x06, (byte)(0x80 | (offset >> 24)), (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset, (byte)(0x40 | (data.Length >> 8)), (byte)data.Length, .. data.ToArray()];

    private static byte[] ExpandLabel(ReadOnlySpan<byte> secret, string label, int length)
    {
        var full = "tls13 " + label;
        var info = new byte[2 + 1 + full.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)full.Length;
        System.Text.Encoding.ASCII.GetBytes(full).CopyTo(info, 3);
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, secret, output, info);
        return output;
    }
}
