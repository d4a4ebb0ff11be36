using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;

namespace ClassroomGuard.Dns.Tests.Protocol;

public sealed class DnsMessageWriterTests
{
    public static TheoryData<string> Valid => DnsCorpus.ValidNames();

    [Theory]
    [MemberData(nameof(Valid))]
    public void Reencode_ValidMessage_RoundTripsToTheSameMeaning(string name)
    {
        var message = DnsCorpus.Get(name);
        var again = Reencode(message);
        Assert.Equal(DnsText.Dump(message), DnsText.Dump(again));
        Assert.True(again.Length <= message.Length + 2, "compression keeps it no larger than the original");
    }

    [Fact]
    public void TryWriteName_RepeatedSuffixDifferentCase_WritesPointer()
    {
        var buffer = new byte[512];
        var w = new DnsMessageWriter(buffer);
        Assert.True(w.TryWriteQuestion(DnsName.FromText("www.example.org"), 1, 1));
        var before = w.Position;
        Assert.True(w.TryWriteName(DnsName.FromText("MAIL.EXAMPLE.ORG")));
        // "MAIL" label (5 bytes) + a 2-byte pointer to "example.org" at offset 16.
        Assert.Equal(before + 7, w.Position);
        Assert.Equal(0xC0, buffer[before + 5]);
        Assert.Equal(16, buffer[before + 6]);
    }

    [Fact]
    public void TryWriteName_SameNameTwice_WritesOnlyAPointer()
    {
        var buffer = new byte[512];
        var w = new DnsMessageWriter(buffer);
        Assert.True(w.TryWriteName(DnsName.FromText("a.b.c")));
        var before = w.Position;
        Assert.True(w.TryWriteName(DnsName.FromText("a.b.c")));
        Assert.Equal(before + 2, w.Position);
    }

    [Fact]
    public void TryWriteA_BufferTooSmall_ReturnsFalseAndKeepsEarlierContent()
    {
        var buffer = new byte[40];
        var w = new DnsMessageWriter(buffer) { Id = 9 };
        var name = DnsName.FromText("host.example");
        Assert.True(w.TryWriteQuestion(name, 1, 1));
        var position = w.Position;
        Assert.False(w.TryWriteA(DnsSection.Answer, name, 60, [1, 2, 3, 4]));
        Assert.Equal(position, w.Position);
        Assert.True(w.Complete());
        Assert.True(DnsText.ReadAll(buffer.AsSpan(0, w.Position)));
    }

    [Fact]
    public void TryWriteName_InvalidWireName_ReturnsFalse()
    {
        var w = new DnsMessageWriter(new byte[512]);
        Assert.False(w.TryWriteName([3, (byte)'a', 0]));
        Assert.False(w.TryWriteName([]));
    }

    [Fact]
    public void TryWriteExtendedError_AfterOpt_IsReadableAsOption15()
    {
        var message = DnsCorpus.AllTypesResponse();
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out var header));
        Assert.True(reader.TryReadQuestion(new byte[255], out _));
        DnsRecord opt = default;
        for (var i = 0; i < header.AnswerCount + header.AuthorityCount + header.AdditionalCount; i++)
        {
            Assert.True(reader.TryReadRecord(default, out var r));
            if (r.Type == (ushort)DnsRecordType.OPT)
            {
                opt = r;
            }
        }

        Assert.True(DnsEdns.TryFindOption(opt.RData, DnsEdns.ExtendedErrorOptionCode, out var ede));
        Assert.Equal(17, (ede[0] << 8) | ede[1]);
        Assert.Equal("category: adult", System.Text.Encoding.UTF8.GetString(ede[2..]));
        Assert.True(DnsEdnsInfo.FromRecord(opt).DnssecOk);
    }

    [Fact]
    public void TryFromText_Invalid_ReturnsFalse()
    {
        var buffer = new byte[255];
        Assert.False(DnsName.TryFromText("a..b", buffer, out _));
        Assert.False(DnsName.TryFromText(new string('x', 64) + ".org", buffer, out _));
        Assert.False(DnsName.TryFromText("sp ace.org", buffer, out _));
        Assert.True(DnsName.TryFromText("ok.org.", buffer, out var n));
        Assert.Equal("ok.org.", DnsName.ToText(buffer.AsSpan(0, n)));
    }

    /// <summary>Reads every record with the typed readers and writes it again with the writer.</summary>
    internal static byte[] Reencode(byte[] message)
    {
        var output = new byte[message.Length + 64];
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out var header));
        var w = new DnsMessageWriter(output) { Id = header.Id, Flags = header.Flags };
        var name = new byte[255];
        var target = new byte[255];
        var rname = new byte[255];
        for (var i = 0; i < header.QuestionCount; i++)
        {
            Assert.True(reader.TryReadQuestion(name, out var q));
            Assert.True(w.TryWriteQuestion(q.Name, q.Type, q.Class));
        }

        var total = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        for (var i = 0; i < total; i++)
        {
            Assert.True(reader.TryReadRecord(name, out var r));
            var section = i < header.AnswerCount ? DnsSection.Answer : i < header.AnswerCount + header.AuthorityCount ? DnsSection.Authority : DnsSection.Additional;
            bool ok;
            switch ((DnsRecordType)r.Type)
            {
                case DnsRecordType.A:
                    ok = w.TryWriteA(section, r.Name, r.Ttl, r.RData);
                    break;
                case DnsRecordType.AAAA:
                    ok = w.TryWriteAaaa(section, r.Name, r.Ttl, r.RData);
                    break;
                case DnsRecordType.NS:
                case DnsRecordType.CNAME:
                case DnsRecordType.PTR:
                    Assert.True(DnsRData.TryReadName(message, r, target, out var len));
                    ok = w.TryWriteNameRecord(section, (DnsRecordType)r.Type, r.Name, r.Ttl, target.AsSpan(0, len));
                    break;
                case DnsRecordType.MX:
                    Assert.True(DnsRData.TryReadMx(message, r, target, out var pref, out var mlen));
                    ok = w.TryWriteMx(section, r.Name, r.Ttl, pref, target.AsSpan(0, mlen));
                    break;
                case DnsRecordType.SOA:
                    Assert.True(DnsRData.TryReadSoa(message, r, target, rname, out var ml, out var rl, out var timers));
                    ok = w.TryWriteSoa(section, r.Name, r.Ttl, target.AsSpan(0, ml), rname.AsSpan(0, rl), timers);
                    break;
                case DnsRecordType.OPT:
                    var info = DnsEdnsInfo.FromRecord(r);
                    ok = w.TryWriteOpt(r.Class, info.DnssecOk, info.ExtendedResponseCode);
                    var options = r.RData;
                    while (ok && options.Length >= 4)
                    {
                        var code = (ushort)((options[0] << 8) | options[1]);
                        var length = (options[2] << 8) | options[3];
                        ok = w.TryWriteEdnsOption(code, options.Slice(4, length));
                        options = options[(4 + length)..];
                    }

                    break;
                default:
                    ok = w.TryWriteRaw(section, r.Name, r.Type, r.Class, r.Ttl, r.RData);
                    break;
            }

            Assert.True(ok);
        }

        Assert.True(w.Complete());
        return output[..w.Position];
    }
}
