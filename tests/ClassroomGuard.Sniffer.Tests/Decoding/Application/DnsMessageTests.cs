using System.Text;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class DnsMessageTests
{
    [Fact]
    public void TryRead_Query_ReadsQuestion()
    {
        var buffer = new byte[256];
        Assert.True(DnsMessage.TryRead(Packets.DnsQuery("www.Example.org", 28), buffer, out var dns));
        Assert.False(dns.IsResponse);
        Assert.Equal("www.Example.org", Encoding.ASCII.GetString(dns.QuestionName));
        Assert.Equal(28, dns.QuestionType);
        Assert.Equal(0x4242, dns.Id);
    }

    [Fact]
    public void ReadRecords_CompressedAnswers_ReadsCnameAndAddress()
    {
        var buffer = new byte[256];
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        Assert.True(DnsMessage.TryRead(bytes, buffer, out var dns));
        Assert.True(dns.IsResponse);
        Assert.Equal(2, dns.AnswerCount);
        var name = new byte[256];
        var reader = dns.ReadRecords(new byte[256]);
        Assert.True(reader.TryReadNext(out var cname));
        Assert.Equal(5, cname.Type);
        Assert.Equal("www.example.org", Encoding.ASCII.GetString(cname.Name));
        Assert.True(DnsName.TryRead(bytes, cname.DataOffset, name, out var written, out _));
        Assert.Equal("edge.cdn.test", Encoding.ASCII.GetString(name, 0, written));
        Assert.True(reader.TryReadNext(out var a));
        Assert.Equal("edge.cdn.test", Encoding.ASCII.GetString(a.Name));
        Assert.Equal("192.0.2.9", a.Address.ToString());
        Assert.True(a.IsAnswer);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void TryRead_PointerLoop_False()
    {
        byte[] bytes = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1];
        Assert.False(DnsMessage.TryRead(bytes, new byte[256], out _));
    }

    [Fact]
    public void TryRead_ForwardPointer_False()
    {
        byte[] bytes = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 16, 0, 1, 0, 1, 1, (byte)'a', 0];
        Assert.False(DnsMessage.TryRead(bytes, new byte[256], out _));
    }

    [Fact]
    public void TryRead_NameLongerThan253_False()
    {
        var label = new string('a', 63);
        var name = string.Join('.', label, label, label, label);
        Assert.False(DnsMessage.TryRead(Packets.DnsQuery(name), new byte[512], out _));
    }

    [Fact]
    public void TryRead_ReservedLabelType_False()
    {
        var bytes = Packets.DnsQuery("a.b");
        bytes[12] = 0x41;
        Assert.False(DnsMessage.TryRead(bytes, new byte[256], out _));
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_False()
    {
        var buffer = new byte[256];
        Corpus.EveryStrictPrefixFails(Packets.DnsQuery("classroom.example.org"), b => DnsMessage.TryRead(b, buffer, out _));
    }

    [Fact]
    public void ReadRecords_EveryTruncatedPrefix_StopsWithoutException()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        var buffer = new byte[256];
        for (var length = 0; length < bytes.Length; length++)
        {
            if (!DnsMessage.TryRead(bytes[..length], buffer, out var dns))
            {
                continue;
            }

            var reader = dns.ReadRecords(new byte[256]);
            var count = 0;
            while (reader.TryReadNext(out _))
            {
                count++;
            }

            Assert.True(count < 2, $"prefix {length} yielded both records");
        }
    }
}
