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
        Assert.True(cname.TryReadTargetName(name, out var target));
        Assert.Equal("edge.cdn.test", Encoding.ASCII.GetString(target));
        Assert.Equal(default, cname.Address);
        Assert.True(reader.TryReadNext(out var a));
        Assert.False(a.TryReadTargetName(name, out _), "an A record has no target name");
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
    [Fact]
    public void TryRead_QuestionCountBeyondTheMessage_False()
    {
        var bytes = Packets.DnsQuery("a.example");
        bytes[5] = 2; // QDCOUNT 2, one question present
        Assert.False(DnsMessage.TryRead(bytes, new byte[256], out _));
    }

    [Fact]
    public void ReadRecords_AnswerCountBeyondTheMessage_YieldsWhatIsThereThenStops()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        bytes[7] = 200; // ANCOUNT 200, two present
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var reader = dns.ReadRecords(new byte[256]);
        Assert.True(reader.TryReadNext(out _));
        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _), "stays stopped");
    }

    [Fact]
    public void ReadRecords_AnswerOwnerPointingForward_Stops()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        var owner = Array.IndexOf(bytes, (byte)0xC0); // the CNAME's owner pointer (to 12)
        bytes[owner + 1] = (byte)(bytes.Length - 4);
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var reader = dns.ReadRecords(new byte[256]);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void ReadRecords_CnameTargetPointerLoop_StopsAtThatRecord()
    {
        // The CNAME's rdata is a pointer to itself: the shared reader validates names inside rdata, so the record is refused.
        var bytes = Packets.DnsResponse("www.example.org", "x", [192, 0, 2, 9]);
        var rdata = Array.IndexOf(bytes, (byte)0xC0) + 12;
        bytes[rdata] = 0xC0;
        bytes[rdata + 1] = (byte)rdata;
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        Assert.False(dns.ReadRecords(new byte[256]).TryReadNext(out _));
    }

    [Fact]
    public void ReadRecords_ARecordOfWrongLength_Stops()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        bytes[^5] = 3; // the A record's RDLENGTH: 3
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var reader = dns.ReadRecords(new byte[256]);
        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _), "A rdata of 3 bytes is malformed");
    }

    [Fact]
    public void ReadRecords_MulticastCacheFlushClass_KeepsTheAddress()
    {
        var bytes = Packets.DnsResponse("printer.local", "printer-2.local", [192, 168, 1, 20]);
        bytes[^12] = 0x80; // the A record's class: 0x8001, IN with mDNS cache-flush
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var reader = dns.ReadRecords(new byte[256]);
        Assert.True(reader.TryReadNext(out _));
        Assert.True(reader.TryReadNext(out var a));
        Assert.Equal(0x8001, a.Class);
        Assert.Equal("192.168.1.20", a.Address.ToString());
    }

    [Fact]
    public void ReadRecords_ChaosClassA_HasNoAddress()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        bytes[^11] = 3; // class CH
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var reader = dns.ReadRecords(new byte[256]);
        Assert.True(reader.TryReadNext(out _));
        Assert.True(reader.TryReadNext(out var a));
        Assert.Equal(default, a.Address);
    }

    [Fact]
    public void ReadRecords_TwoReaders_AreIndependent()
    {
        var bytes = Packets.DnsResponse("www.example.org", "edge.cdn.test", [192, 0, 2, 9]);
        Assert.True(DnsMessage.TryRead(bytes, new byte[256], out var dns));
        var first = dns.ReadRecords(new byte[256]);
        Assert.True(first.TryReadNext(out _));
        Assert.True(first.TryReadNext(out _));
        var second = dns.ReadRecords(new byte[256]);
        Assert.True(second.TryReadNext(out var cname), "a second sink reads from the first record again");
        Assert.Equal(5, cname.Type);
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrows()
    {
        var random = new Random(16);
        var buffer = new byte[256];
        var records = new byte[256];
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length > 5)
            {
                bytes[4] = 0; // mostly one question, so some get past the header
                bytes[5] = (byte)(i % 3);
            }

            if (DnsMessage.TryRead(bytes, buffer, out var dns))
            {
                accepted++;
                Assert.True(dns.QuestionName.Length <= 253);
                var reader = dns.ReadRecords(records);
                while (reader.TryReadNext(out var record))
                {
                    Assert.True(record.Name.Length <= 253);
                }
            }
        }

        Assert.True(accepted > 0, "some random messages have no or a readable question");
    }
}
