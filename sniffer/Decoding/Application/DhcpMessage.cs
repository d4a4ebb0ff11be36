using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// A DHCPv4 (BOOTP) message: fixed fields and the options area, which <see cref="TryRead"/> walks once to prove every option
/// lies inside the packet. Options are then looked up by code.
/// </summary>
public readonly ref struct DhcpMessage
{
    /// <summary>Fixed BOOTP header (236 bytes) plus the magic cookie (4 bytes).</summary>
    public const int FixedLength = 240;

    private const uint MagicCookie = 0x63825363;

    private DhcpMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> options)
    {
        Message = message;
        OptionsArea = options;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The options after the magic cookie, up to the end option.</summary>
    public ReadOnlySpan<byte> OptionsArea { get; }

    /// <summary>1 BOOTREQUEST (client to server), 2 BOOTREPLY.</summary>
    public byte Operation => Message[0];

    /// <summary>Transaction id chosen by the client.</summary>
    public uint TransactionId => BinaryPrimitives.ReadUInt32BigEndian(Message[4..]);

    /// <summary>ciaddr: the client's current address (renewals), else 0.0.0.0.</summary>
    public NetAddress ClientAddress => NetAddress.ReadIPv4(Message[12..]);

    /// <summary>yiaddr: the address the server offers or assigns.</summary>
    public NetAddress YourAddress => NetAddress.ReadIPv4(Message[16..]);

    /// <summary>chaddr: the client's hardware address (Ethernet, <c>htype</c> 1).</summary>
    public MacAddress ClientMac => MacAddress.Read(Message[28..]);

    /// <summary>Option 53: 1 DISCOVER, 2 OFFER, 3 REQUEST, 4 DECLINE, 5 ACK, 6 NAK, 7 RELEASE, 8 INFORM; 0 when absent.</summary>
    public byte MessageType => TryGetOption(53, out var value) && value.Length == 1 ? value[0] : (byte)0;

    /// <summary>Option 12: the host name the client asks to be known by (raw bytes; empty when absent).</summary>
    public ReadOnlySpan<byte> HostName => TryGetOption(12, out var value) ? value : default;

    /// <summary>Option 60: vendor class identifier, e.g. <c>MSFT 5.0</c>, <c>android-dhcp-14</c>.</summary>
    public ReadOnlySpan<byte> VendorClass => TryGetOption(60, out var value) ? value : default;

    /// <summary>Option 55: parameter request list (the OS fingerprint).</summary>
    public ReadOnlySpan<byte> ParameterRequestList => TryGetOption(55, out var value) ? value : default;

    /// <summary>Option 61: client identifier (usually type 1 + MAC).</summary>
    public ReadOnlySpan<byte> ClientIdentifier => TryGetOption(61, out var value) ? value : default;

    /// <summary>Option 50: the address the client asks for; default when absent.</summary>
    public NetAddress RequestedAddress => TryGetOption(50, out var value) && value.Length == 4 ? NetAddress.ReadIPv4(value) : default;

    /// <summary>
    /// Reads a message; <see langword="false"/> when shorter than 240 bytes, without the magic cookie, not Ethernet
    /// (<c>htype</c> 1, <c>hlen</c> 6) or when an option overruns the packet.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out DhcpMessage message)
    {
        message = default;
        if (data.Length < FixedLength
            || data[0] is not (1 or 2)
            || data[1] != 1
            || data[2] != 6
            || BinaryPrimitives.ReadUInt32BigEndian(data[236..]) != MagicCookie)
        {
            return false;
        }

        var options = data[FixedLength..];
        var i = 0;
        while ((uint)i < (uint)options.Length)
        {
            var code = options[i];
            if (code == 255)
            {
                options = options[..i];
                break;
            }

            if (code == 0)
            {
                i++;
                continue;
            }

            if ((uint)(i + 1) >= (uint)options.Length || i + 2 + options[i + 1] > options.Length)
            {
                return false;
            }

            i += 2 + options[i + 1];
        }

        message = new DhcpMessage(data, options);
        return true;
    }

    /// <summary>Finds the first option <paramref name="code"/>. The options area was validated by <see cref="TryRead"/>.</summary>
    public bool TryGetOption(byte code, out ReadOnlySpan<byte> value)
    {
        var options = OptionsArea;
        var i = 0;
        while ((uint)i < (uint)options.Length)
        {
            var current = options[i];
            if (current == 0)
            {
                i++;
                continue;
            }

            if ((uint)(i + 1) >= (uint)options.Length)
            {
                break;
            }

            int length = options[i + 1];
            if (i + 2 + length > options.Length)
            {
                break;
            }

            if (current == code)
            {
                value = options.Slice(i + 2, length);
                return true;
            }

            i += 2 + length;
        }

        value = default;
        return false;
    }
}
