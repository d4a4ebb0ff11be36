using System.Net;
using System.Net.Sockets;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.DnsFilter.Server;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>Writes block answers: NXDOMAIN, null address or block-page address, short TTL, and an Extended DNS Error (RFC 8914) naming the category when the client sent EDNS.</summary>
public sealed class BlockAnswer
{
    private static readonly byte[] Mname = DnsName.FromText("blocked.classroomguard.invalid");
    private static readonly byte[] Rname = DnsName.FromText("hostmaster.classroomguard.invalid");
    private static readonly byte[] NullV4 = new byte[4];
    private static readonly byte[] NullV6 = new byte[16];

    private readonly BlockAnswerMode _mode;
    private readonly uint _ttl;
    private readonly DnsExtendedError _code;
    private readonly byte[][] _v4;
    private readonly byte[][] _v6;

    /// <summary>Creates the writer from the settings.</summary>
    public BlockAnswer(DnsPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _mode = options.BlockAnswer;
        _ttl = (uint)options.BlockTtl;
        _code = options.ExtendedError;
        var addresses = options.BlockPageAddresses.Select(IPAddress.Parse).ToList();
        _v4 = _mode == BlockAnswerMode.BlockPage ? [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(a => a.GetAddressBytes())] : [NullV4];
        _v6 = _mode == BlockAnswerMode.BlockPage ? [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).Select(a => a.GetAddressBytes())] : [NullV6];
    }

    /// <summary>EDE text for blocks that name no category.</summary>
    public static string ReasonText(BlockReason reason) => reason switch
    {
        BlockReason.Circumvention => "ClassroomGuard: blocked, circumvention",
        BlockReason.Deny => "ClassroomGuard: blocked, deny entry",
        BlockReason.Pause => "ClassroomGuard: blocked, internet paused by teacher",
        BlockReason.Focus => "ClassroomGuard: blocked, focus mode",
        _ => "ClassroomGuard: blocked",
    };

    /// <summary>Writes the answer for <paramref name="verdict"/> into the request's response buffer; returns its length.</summary>
    public int Write(DnsRequestContext request, CompiledPolicy policy, in PolicyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        var mode = verdict.Reason == BlockReason.Circumvention ? BlockAnswerMode.NxDomain : _mode;
        var rcode = mode == BlockAnswerMode.NxDomain ? DnsResponseCode.NXDomain : DnsResponseCode.NoError;
        var writer = request.BeginResponse(rcode);
        var name = request.Name;
        var answers = 0;
        if (rcode == DnsResponseCode.NoError)
        {
            var addresses = request.Info.Type switch
            {
                (ushort)DnsRecordType.A => _v4,
                (ushort)DnsRecordType.AAAA => _v6,
                _ => [],
            };
            foreach (var address in addresses)
            {
                if (address.Length == 4 ? writer.TryWriteA(DnsSection.Answer, name, _ttl, address) : writer.TryWriteAaaa(DnsSection.Answer, name, _ttl, address))
                {
                    answers++;
                }
            }
        }

        if (answers == 0)
        {
            // NXDOMAIN / NODATA: an SOA tells caches to keep the negative answer only for the block TTL (RFC 2308).
            writer.TryWriteSoa(DnsSection.Authority, name, _ttl, Mname, Rname, new DnsSoaTimers(1, 3600, 600, 86400, _ttl));
        }

        if (!request.Info.HasEdns)
        {
            return request.FinishResponse(ref writer, rcode);
        }

        var text = verdict.Category >= 0 ? policy.CategoryTexts[verdict.Category] : ReasonText(verdict.Reason);
        if (!writer.TryWriteOpt(request.OurUdpPayloadSize, request.Info.DnssecOk) || !writer.TryWriteExtendedError(_code, text))
        {
            return 0;
        }

        return request.FinishResponse(ref writer, rcode, optWritten: true);
    }
}
