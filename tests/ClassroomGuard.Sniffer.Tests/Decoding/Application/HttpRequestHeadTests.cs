using System.Text;
using ClassroomGuard.Sniffer.Decoding.Application;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Application;

public sealed class HttpRequestHeadTests
{
    [Fact]
    public void TryRead_Get_ReadsMethodTargetAndHostCaseInsensitively()
    {
        Assert.True(HttpRequestHead.TryRead(Packets.HttpGet("neverssl.example"), out var head));
        Assert.Equal("GET", Encoding.ASCII.GetString(head.Method));
        Assert.Equal("/index.html", Encoding.ASCII.GetString(head.Target));
        Assert.Equal("neverssl.example", Encoding.ASCII.GetString(head.Host));
    }

    [Fact]
    public void TryRead_Connect_ReadsTarget()
    {
        Assert.True(HttpRequestHead.TryRead("CONNECT vpn.example:443 HTTP/1.1\r\nHost: vpn.example:443\r\n\r\n"u8, out var head));
        Assert.Equal("vpn.example:443", Encoding.ASCII.GetString(head.Target));
    }

    [Theory]
    [InlineData("FETCH / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/2\r\n\r\n")]
    [InlineData("GET /\r\n")]
    [InlineData("\u0016\u0003\u0001")]
    public void TryRead_NotHttp1_False(string text)
    {
        Assert.False(HttpRequestHead.TryRead(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void TryRead_EveryPrefix_NoExceptionAndNoHostUntilComplete()
    {
        var bytes = Packets.HttpGet("neverssl.example");
        for (var length = 0; length < bytes.Length; length++)
        {
            if (HttpRequestHead.TryRead(bytes[..length], out var head))
            {
                Assert.True(head.Host.IsEmpty || "neverssl.example".StartsWith(Encoding.ASCII.GetString(head.Host), StringComparison.Ordinal));
            }
        }
    }
}
