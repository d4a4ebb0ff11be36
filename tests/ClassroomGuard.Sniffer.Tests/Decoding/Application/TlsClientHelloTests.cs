using System.Text;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class TlsClientHelloTests
{
    [Fact]
    public void TryRead_WithSniAndAlpn_ReadsBoth()
    {
        Assert.True(TlsClientHello.TryRead(Packets.ClientHelloMessage("classroom.example.org", ["h2", "http/1.1"]), out var hello));
        Assert.Equal("classroom.example.org", Encoding.ASCII.GetString(hello.ServerName));
        var alpn = new List<string>();
        foreach (var protocol in hello.AlpnProtocols)
        {
            alpn.Add(Encoding.ASCII.GetString(protocol));
        }

        Assert.Equal(["h2", "http/1.1"], alpn);
        Assert.Equal(0x0303, hello.LegacyVersion);
        Assert.Equal(2, hello.ExtensionCount);
    }

    [Fact]
    public void TryRead_NoSni_EmptyServerName()
    {
        Assert.True(TlsClientHello.TryRead(Packets.ClientHelloMessage(null, ["h2"]), out var hello));
        Assert.True(hello.ServerName.IsEmpty);
    }

    [Fact]
    public void TryRead_EveryTruncatedPrefix_False() =>
        Corpus.EveryStrictPrefixFails(Packets.ClientHelloMessage("a.example", ["h2"], padding: 20), b => TlsClientHello.TryRead(b, out _));

    [Fact]
    public void TryRead_NotClientHello_False()
    {
        var bytes = Packets.ClientHelloMessage("a.example");
        bytes[0] = 2;
        Assert.False(TlsClientHello.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_ExtensionLengthOverruns_False()
    {
        var bytes = Packets.ClientHelloMessage("a.example");

        // The last extension's length (SNI) is two bytes before its 14-byte body.
        bytes[^15] = 0xFF;
        Assert.False(TlsClientHello.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_SniListLengthWrong_False()
    {
        var bytes = Packets.ClientHelloMessage("a.example");
        bytes[^13] += 1;
        Assert.False(TlsClientHello.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_SessionIdTooLong_False()
    {
        var bytes = Packets.ClientHelloMessage("a.example");
        bytes[4 + 34] = 33;
        Assert.False(TlsClientHello.TryRead(bytes, out _));
    }

    [Fact]
    public void Inspect_Record_CompleteIncompleteOrNot()
    {
        var record = Packets.ClientHelloRecord("a.example");
        Assert.Equal(TlsRecordStatus.ClientHello, TlsRecord.Inspect(record, out var length));
        Assert.Equal(record.Length, length);
        Assert.Equal(TlsRecordStatus.Incomplete, TlsRecord.Inspect(record[..10], out length));
        Assert.Equal(record.Length, length);
        Assert.Equal(TlsRecordStatus.NotClientHello, TlsRecord.Inspect(record[..5], out _));
        Assert.Equal(TlsRecordStatus.NotClientHello, TlsRecord.Inspect("GET / HTTP/1.1\r\n"u8, out _));
    }
}
