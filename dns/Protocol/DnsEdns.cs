using System.Buffers.Binary;

namespace ClassroomGuard.Dns.Protocol;

/// <summary>What an OPT record says (RFC 6891 §6.1.3).</summary>
/// <param name="UdpPayloadSize">Requestor's UDP payload size (values below 512 are treated as 512).</param>
/// <param name="ExtendedResponseCode">Upper 8 bits of the 12-bit RCODE.</param>
/// <param name="Version">EDNS version; only 0 is defined.</param>
/// <param name="DnssecOk">The DO bit.</param>
public readonly record struct DnsEdnsInfo(ushort UdpPayloadSize, byte ExtendedResponseCode, byte Version, bool DnssecOk)
{
    /// <summary>Reads the OPT fields from a record (its CLASS and TTL).</summary>
    public static DnsEdnsInfo FromRecord(in DnsRecord record)
        => new(Math.Max(record.Class, (ushort)512), (byte)(record.Ttl >> 24), (byte)(record.Ttl >> 16), (record.Ttl & 0x8000) != 0);
}

/// <summary>EDNS0 helpers.</summary>
public static class DnsEdns
{
    /// <summary>Option code of Extended DNS Errors (RFC 8914).</summary>
    public const ushort ExtendedErrorOptionCode = 15;

    /// <summary>Checks that OPT rdata is a well-formed sequence of {code, length, data} options.</summary>
    public static bool AreOptionsValid(ReadOnlySpan<byte> rdata)
    {
        while (!rdata.IsEmpty)
        {
            if (rdata.Length < 4)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(rdata[2..]);
            if (length > rdata.Length - 4)
            {
                return false;
            }

            rdata = rdata[(4 + length)..];
        }

        return true;
    }

    /// <summary>Finds an option in OPT rdata; <paramref name="data"/> is its value.</summary>
    public static bool TryFindOption(ReadOnlySpan<byte> rdata, ushort code, out ReadOnlySpan<byte> data)
    {
        while (rdata.Length >= 4)
        {
            var c = BinaryPrimitives.ReadUInt16BigEndian(rdata);
            int length = BinaryPrimitives.ReadUInt16BigEndian(rdata[2..]);
            if (length > rdata.Length - 4)
            {
                break;
            }

            if (c == code)
            {
                data = rdata.Slice(4, length);
                return true;
            }

            rdata = rdata[(4 + length)..];
        }

        data = default;
        return false;
    }
}
