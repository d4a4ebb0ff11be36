using System.Net;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Support;

/// <summary>Valid messages: captured from dig, kdig and unbound on this machine, and built with the writer.</summary>
internal static class DnsCorpus
{
    /// <summary>dig 9.18 query for www.Example.org A with EDNS and a cookie (captured).</summary>
    public const string DigQueryHex = "9f200120000100000000000103777777074578616d706c65036f7267000001000100002904d000000000000c000a00081646e06679e24622";

    /// <summary>kdig query for mail.example.org MX without EDNS (captured).</summary>
    public const string KdigQueryHex = "a17601200001000000000000046d61696c076578616d706c65036f726700000f0001";

    /// <summary>unbound 1.17 answer for a.test A from local-data (captured).</summary>
    public const string UnboundAnswerHex = "abcd85800001000100000000016104746573740000010001c00c000100010000012c0004c0000201";

    public static IEnumerable<(string Name, byte[] Message)> Valid()
    {
        yield return ("dig-query", Convert.FromHexString(DigQueryHex));
        yield return ("kdig-query", Convert.FromHexString(KdigQueryHex));
        yield return ("unbound-answer", Convert.FromHexString(UnboundAnswerHex));
        yield return ("all-types", AllTypesResponse());
        yield return ("nxdomain-soa", NxDomain());
    }

    public static TheoryData<string> ValidNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in Valid())
        {
            data.Add(name);
        }

        return data;
    }

    public static byte[] Get(string name) => Valid().Single(m => m.Name == name).Message;

    public static byte[] AllTypesResponse()
    {
        var buffer = new byte[4096];
        var w = new DnsMessageWriter(buffer) { Id = 0x1234, Flags = DnsHeader.MakeFlags(true, DnsOpCode.Query, DnsHeader.FlagRecursionDesired | DnsHeader.FlagRecursionAvailable, DnsResponseCode.NoError) };
        var www = DnsName.FromText("www.example.org");
        var example = DnsName.FromText("example.org");
        Assert.True(w.TryWriteQuestion(www, (ushort)DnsRecordType.A, (ushort)DnsClass.IN));
        Assert.True(w.TryWriteNameRecord(DnsSection.Answer, DnsRecordType.CNAME, www, 300, DnsName.FromText("web.example.org")));
        Assert.True(w.TryWriteA(DnsSection.Answer, DnsName.FromText("web.example.org"), 300, IPAddress.Parse("192.0.2.10").GetAddressBytes()));
        Assert.True(w.TryWriteAaaa(DnsSection.Answer, DnsName.FromText("web.example.org"), 300, IPAddress.Parse("2001:db8::10").GetAddressBytes()));
        Assert.True(w.TryWriteMx(DnsSection.Answer, example, 3600, 10, DnsName.FromText("mail.example.org")));
        Assert.True(w.TryWriteTxt(DnsSection.Answer, example, 60, "v=spf1 -all"u8));
        Assert.True(w.TryWriteNameRecord(DnsSection.Answer, DnsRecordType.PTR, DnsName.FromText("10.2.0.192.in-addr.arpa"), 60, www));
        Assert.True(w.TryWriteRaw(DnsSection.Answer, example, 65, (ushort)DnsClass.IN, 60, [0, 1, 0]));
        Assert.True(w.TryWriteNameRecord(DnsSection.Authority, DnsRecordType.NS, example, 86400, DnsName.FromText("ns1.Example.ORG")));
        Assert.True(w.TryWriteOpt(1232, dnssecOk: true));
        Assert.True(w.TryWriteExtendedError(DnsExtendedError.Filtered, "category: adult"));
        Assert.True(w.Complete());
        return buffer[..w.Position];
    }

    public static byte[] NxDomain()
    {
        var buffer = new byte[512];
        var w = new DnsMessageWriter(buffer) { Id = 7, Flags = DnsHeader.MakeFlags(true, DnsOpCode.Query, DnsHeader.FlagRecursionAvailable, DnsResponseCode.NXDomain) };
        Assert.True(w.TryWriteQuestion(DnsName.FromText("nope.example.org"), (ushort)DnsRecordType.AAAA, (ushort)DnsClass.IN));
        Assert.True(w.TryWriteSoa(DnsSection.Authority, DnsName.FromText("example.org"), 900, DnsName.FromText("ns1.example.org"),
            DnsName.FromText("hostmaster.example.org"), new DnsSoaTimers(2024010101, 7200, 3600, 1209600, 300)));
        Assert.True(w.Complete());
        return buffer[..w.Position];
    }
}
