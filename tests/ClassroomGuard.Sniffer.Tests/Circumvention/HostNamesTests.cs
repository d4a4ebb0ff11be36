using System.Text;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("dns.google", "dns.google")]
    [InlineData("DNS.Google.", "dns.google")]
    [InlineData("a-b_c.example.org", "a-b_c.example.org")]
    public void TryToWire_Names_LowerCaseWireForm(string text, string expected)
    {
        Span<byte> wire = stackalloc byte[HostNames.MaxWireLength];
        Assert.True(HostNames.TryToWire(Encoding.ASCII.GetBytes(text), wire, out var length));
        Assert.Equal(Packets.EncodeName(expected), wire[..length].ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData(".example.org")]
    [InlineData("exa mple.org")]
    [InlineData("caf\u00e9.org")]
    public void TryToWire_Invalid_False(string text)
    {
        Span<byte> wire = stackalloc byte[HostNames.MaxWireLength];
        Assert.False(HostNames.TryToWire(Encoding.UTF8.GetBytes(text), wire, out _));
    }

    [Fact]
    public void TryToWire_TooLong_False()
    {
        Span<byte> wire = stackalloc byte[HostNames.MaxWireLength];
        Assert.False(HostNames.TryToWire(Encoding.ASCII.GetBytes(new string('a', 64) + ".org"), wire, out _));
        Assert.False(HostNames.TryToWire(Encoding.ASCII.GetBytes(string.Join('.', Enumerable.Repeat("abcdefghi", 26))), wire, out _));
        Assert.True(HostNames.TryToWire(Encoding.ASCII.GetBytes(new string('a', 63) + ".org"), wire, out _));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("[2001:db8::1]", true)]
    [InlineData("dns.google", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("1234.2.3.4", false)]
    [InlineData("1.2.3.4.example", false)]
    [InlineData("", false)]
    public void IsIpLiteral_Cases(string text, bool expected) => Assert.Equal(expected, HostNames.IsIpLiteral(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("example.org:8080", "example.org")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void HostWithoutPort_Cases(string host, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(HostNames.HostWithoutPort(Encoding.ASCII.GetBytes(host))));
}
