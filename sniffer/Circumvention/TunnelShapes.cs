using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// Recognises the first packet of a VPN handshake by its shape, over the transport payload (no allocation, never throws).
/// Each check is as strict as the protocol allows, so ordinary traffic on the same ports does not match.
/// </summary>
public static class TunnelShapes
{
    /// <summary>WireGuard's handshake initiation is exactly this long (whitepaper §5.4.2).</summary>
    public const int WireGuardInitiationLength = 148;

    /// <summary>OpenVPN's port (IANA).</summary>
    public const ushort OpenVpnPort = 1194;

    /// <summary>IKE's port, and the NAT-traversal port (RFC 3948).</summary>
    public const ushort IkePort = 500, IkeNatTraversalPort = 4500;

    /// <summary>OpenVPN opcodes of a client's first packet: P_CONTROL_HARD_RESET_CLIENT_V2 (7) and _V3 (10, tls-crypt-v2).</summary>
    public const byte OpenVpnHardResetClientV2 = 7, OpenVpnHardResetClientV3 = 10;

    // Session id (8) + ack array length (1) + message packet id (4): the least a hard reset carries after its opcode byte.
    private const int OpenVpnMinimumAfterOpcode = 13;

    /// <summary>
    /// A WireGuard handshake initiation: message type 1, three reserved zero bytes, a non-zero sender index, and exactly
    /// 148 bytes. WireGuard uses any UDP port, so the shape alone decides.
    /// </summary>
    public static bool IsWireGuardInitiation(ReadOnlySpan<byte> udpPayload) =>
        udpPayload.Length == WireGuardInitiationLength
        && BinaryPrimitives.ReadUInt32LittleEndian(udpPayload) == 1
        && BinaryPrimitives.ReadUInt32LittleEndian(udpPayload[4..]) != 0;

    /// <summary>
    /// An OpenVPN client hard reset over UDP: the first byte is opcode (high 5 bits) 7 or 10 with key id (low 3 bits) 0,
    /// followed by a non-zero session id and at least the ack length and packet id. Returns the opcode, or 0.
    /// </summary>
    public static byte OpenVpnHardResetUdp(ReadOnlySpan<byte> udpPayload)
    {
        if (udpPayload.Length < 1 + OpenVpnMinimumAfterOpcode || (udpPayload[0] & 0x07) != 0)
        {
            return 0;
        }

        var opcode = (byte)(udpPayload[0] >> 3);
        if (opcode is not (OpenVpnHardResetClientV2 or OpenVpnHardResetClientV3) || BinaryPrimitives.ReadUInt64BigEndian(udpPayload[1..]) == 0)
        {
            return 0;
        }

        return opcode;
    }

    /// <summary>
    /// An OpenVPN client hard reset over TCP: a two-byte packet length that the segment holds (the first packet of the
    /// stream), then the UDP form. Returns the opcode, or 0.
    /// </summary>
    public static byte OpenVpnHardResetTcp(ReadOnlySpan<byte> tcpPayload)
    {
        if (tcpPayload.Length < 2)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(tcpPayload);
        return length <= tcpPayload.Length - 2 ? OpenVpnHardResetUdp(tcpPayload.Slice(2, length)) : (byte)0;
    }

    /// <summary>
    /// An IKE initiation: the first message of an exchange, from the initiator. On UDP 4500 the IKE header follows a
    /// four-byte zero "non-ESP marker" (RFC 3948). The header (28 bytes) must have a non-zero initiator SPI and a zero
    /// responder SPI, version 2.0 (IKE_SA_INIT, exchange 34, Initiator flag) or 1.0 (Main or Aggressive Mode, exchange 2
    /// or 4), message id 0, and a length equal to the message. Returns the major version (1 or 2), or 0.
    /// </summary>
    public static int IkeInitiation(ReadOnlySpan<byte> udpPayload, bool natTraversal)
    {
        if (natTraversal)
        {
            if (udpPayload.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(udpPayload) != 0)
            {
                return 0;
            }

            udpPayload = udpPayload[4..];
        }

        if (udpPayload.Length < 28
            || BinaryPrimitives.ReadUInt64BigEndian(udpPayload) == 0
            || BinaryPrimitives.ReadUInt64BigEndian(udpPayload[8..]) != 0
            || BinaryPrimitives.ReadUInt32BigEndian(udpPayload[20..]) != 0
            || BinaryPrimitives.ReadUInt32BigEndian(udpPayload[24..]) != (uint)udpPayload.Length)
        {
            return 0;
        }

        var version = udpPayload[17];
        var exchange = udpPayload[18];
        var flags = udpPayload[19];
        return version switch
        {
            0x20 when exchange == 34 && (flags & 0x08) != 0 && (flags & 0x20) == 0 => 2,
            0x10 when exchange is 2 or 4 => 1,
            _ => 0,
        };
    }

    /// <summary>
    /// A QUIC long-header packet (the handshake's Initial, 0-RTT, Handshake or Retry): top two bits set and a non-zero
    /// version. What a DNS-over-QUIC client sends first to UDP 853.
    /// </summary>
    public static bool IsQuicLongHeader(ReadOnlySpan<byte> udpPayload) =>
        udpPayload.Length >= 7 && (udpPayload[0] & 0xC0) == 0xC0 && BinaryPrimitives.ReadUInt32BigEndian(udpPayload[1..]) != 0;
}
