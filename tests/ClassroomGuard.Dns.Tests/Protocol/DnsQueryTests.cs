using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;

namespace ClassroomGuard.Dns.Tests.Protocol;

public sealed class DnsQueryTests
{
    private readonly byte[] _name = new byte[255];

    [Fact]
    public void Parse_DigQuery_IsValidWithEdns()
    {
        var info = DnsQuery.Parse(Convert.FromHexString(DnsCorpus.DigQueryHex), _name);
        Assert.Equal(DnsQueryStatus.Valid, info.Status);
        Assert.True(info.HasEdns);
        Assert.Equal(1232, info.ClientUdpLimit);
        Assert.Equal("www.Example.org.", DnsName.ToText(_name.AsSpan(0, info.NameLength)));
        Assert.Equal((ushort)DnsRecordType.A, info.Type);
    }

    [Fact]
    public void Parse_KdigQueryWithoutEdns_ClientLimitIs512()
    {
        var info = DnsQuery.Parse(Convert.FromHexString(DnsCorpus.KdigQueryHex), _name);
        Assert.Equal(DnsQueryStatus.Valid, info.Status);
        Assert.False(info.HasEdns);
        Assert.Equal(512, info.ClientUdpLimit);
    }

    [Fact]
    public void Parse_EveryTruncatedPrefixOfAQuery_NeverValid()
    {
        var query = Convert.FromHexString(DnsCorpus.DigQueryHex);
        for (var length = 0; length < query.Length; length++)
        {
            var info = DnsQuery.Parse(query.AsSpan(0, length), _name);
            Assert.Equal(length < DnsHeader.Size ? DnsQueryStatus.Drop : DnsQueryStatus.FormErr, info.Status);
        }
    }

    public static TheoryData<string, string, DnsQueryStatus> Cases => new()
    {
        // name, hex, expected
        { "response sent to us", "9f2081200001000000000000" + "0161000001" + "0001", DnsQueryStatus.Drop },
        { "11-byte header", "9f2001200000000000000000"[..22], DnsQueryStatus.Drop },
        { "qdcount 0 full header", "9f2001200000000000000000", DnsQueryStatus.FormErr },
        { "qdcount 2", "9f2001200002000000000000" + "016100" + "00010001" + "016200" + "00010001", DnsQueryStatus.FormErr },
        { "opcode status", "9f2011200001000000000000" + "016100" + "00010001", DnsQueryStatus.NotImp },
        { "opcode 15", "9f2079200001000000000000" + "016100" + "00010001", DnsQueryStatus.NotImp },
        { "class CH", "9f2001200001000000000000" + "016100" + "00010003", DnsQueryStatus.Refused },
        { "class 9999", "9f2001200001000000000000" + "016100" + "0001270f", DnsQueryStatus.Refused },
        { "axfr", "9f2001200001000000000000" + "016100" + "00fc0001", DnsQueryStatus.NotImp },
        { "qtype OPT", "9f2001200001000000000000" + "016100" + "00290001", DnsQueryStatus.FormErr },
        { "edns version 1", "9f2001200001000000000001" + "016100" + "00010001" + "00002904d0" + "00010000" + "0000", DnsQueryStatus.BadVers },
        { "two OPT records", "9f2001200001000000000002" + "016100" + "00010001" + "00002904d0" + "00000000" + "0000" + "00002904d0" + "00000000" + "0000", DnsQueryStatus.FormErr },
        { "OPT not owned by root", "9f2001200001000000000001" + "016100" + "00010001" + "c00c002904d0" + "00000000" + "0000", DnsQueryStatus.FormErr },
        { "OPT with bad option length", "9f2001200001000000000001" + "016100" + "00010001" + "00002904d0" + "00000000" + "0004" + "000a0009", DnsQueryStatus.FormErr },
        { "trailing garbage ignored", "9f2001200001000000000000" + "016100" + "00010001" + "deadbeef", DnsQueryStatus.Valid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_HostileOrUnusualQuery_GivesStatus(string name, string hex, DnsQueryStatus expected)
    {
        var info = DnsQuery.Parse(Convert.FromHexString(hex), _name);
        Assert.True(expected == info.Status, $"{name}: {info.Status}");
    }

    [Fact]
    public void WriteError_BadVers_PutsUpperRcodeBitsInOpt()
    {
        var query = Convert.FromHexString("9f2001200001000000000001" + "016100" + "00010001" + "00002904d0" + "00010000" + "0000");
        var info = DnsQuery.Parse(query, _name);
        var buffer = new byte[512];
        var length = DnsQuery.WriteError(buffer, info, _name.AsSpan(0, info.NameLength), DnsResponseCode.BadVers, 1232);
        var text = DnsText.Dump(buffer.AsSpan(0, length));
        Assert.Contains("AR . 16777216 1232 OPT", text); // extended rcode 1 << 24: 16 = BADVERS
        Assert.Contains("Q a. 1 1", text);
        Assert.Equal(0x9f20, (buffer[0] << 8) | buffer[1]);
    }

    [Fact]
    public void WriteError_FormErrWithoutQuestion_IsHeaderOnly()
    {
        var query = Convert.FromHexString("9f2001200002000000000000");
        var info = DnsQuery.Parse(query, _name);
        var buffer = new byte[512];
        var length = DnsQuery.WriteError(buffer, info, default, DnsResponseCode.FormErr, 1232);
        Assert.Equal(12, length);
        Assert.True(DnsHeader.TryRead(buffer, out var header));
        Assert.True(header.IsResponse);
        Assert.Equal(DnsResponseCode.FormErr, header.ResponseCode);
        Assert.True(header.RecursionDesired);
    }

    [Fact]
    public void Truncate_LargerThanLimit_KeepsQuestionAndOptAndSetsTc()
    {
        var message = DnsCorpus.AllTypesResponse();
        var length = DnsQuery.Truncate(message, message.Length, 70);
        Assert.True(length <= 70);
        var text = DnsText.Dump(message.AsSpan(0, length));
        Assert.Contains("Q www.example.org. 1 1", text);
        Assert.Contains("OPT", text);
        Assert.DoesNotContain("AN ", text);
        Assert.True(DnsHeader.TryRead(message, out var header) && header.IsTruncated);
    }

    [Fact]
    public void Truncate_FitsAlready_Unchanged()
    {
        var message = DnsCorpus.AllTypesResponse();
        Assert.Equal(message.Length, DnsQuery.Truncate(message, message.Length, 4096));
        Assert.False(DnsHeader.TryRead(message, out var header) && header.IsTruncated);
    }
}
