using System.Buffers.Binary;

namespace ClassroomGuard.Sniffer.Decoding.Application;

/// <summary>
/// A NetBIOS name service packet (UDP 137, RFC 1002): the first question's NetBIOS name, decoded from its "first-level
/// encoding" (32 letters A-P) into the 15-character name and the 16th suffix byte. Windows hosts register their
/// computer name with it (opcode 5) and answer for it.
/// </summary>
public readonly ref struct NetBiosNamePacket
{
    /// <summary>Length of a decoded NetBIOS name without its suffix.</summary>
    public const int NameLength = 15;

    private NetBiosNamePacket(ushort flags, ReadOnlySpan<byte> name, byte suffix)
    {
        Flags = flags;
        Name = name;
        Suffix = suffix;
    }

    /// <summary>Header flags word.</summary>
    public ushort Flags { get; }

    /// <summary>Whether this is a response.</summary>
    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>0 query, 5 registration, 6 release, 7 WACK, 8/9 refresh.</summary>
    public int Opcode => (Flags >> 11) & 0x0F;

    /// <summary>The name, trailing spaces removed (e.g. <c>PUPIL-LAPTOP-07</c>).</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>The 16th byte: 0x00 workstation, 0x20 file server, 0x1D master browser, …</summary>
    public byte Suffix { get; }

    /// <summary>Reads the header and decodes the first name into <paramref name="nameBuffer"/> (at least 16 bytes).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, Span<byte> nameBuffer, out NetBiosNamePacket packet)
    {
        packet = default;

        // Header (12) + length byte 32 + 32 encoded letters; then scope labels we do not need.
        if (data.Length < 12 + 1 + 32 || nameBuffer.Length < 16 || data[12] != 32)
        {
            return false;
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        if (questions + answers == 0)
        {
            return false;
        }

        var encoded = data.Slice(13, 32);
        for (var i = 0; i < 16; i++)
        {
            var high = encoded[2 * i] - 'A';
            var low = encoded[(2 * i) + 1] - 'A';
            if ((uint)high > 15 || (uint)low > 15)
            {
                return false;
            }

            nameBuffer[i] = (byte)((high << 4) | low);
        }

        packet = new NetBiosNamePacket(BinaryPrimitives.ReadUInt16BigEndian(data[2..]), nameBuffer[..NameLength].TrimEnd((byte)' '), nameBuffer[15]);
        return true;
    }
}
