using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

public sealed class LocalNetworksTests
{
    private static bool Local(LocalNetworks networks, string ip) => networks.Contains(NetAddress.FromIPAddress(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.50.7", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("169.254.1.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("224.0.0.251", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("2001:db8::1", false)]
    [InlineData("ff02::fb", false)]
    public void Defaults_PrivateRangesLocalRestNot(string ip, bool local) =>
        Assert.Equal(local, Local(LocalNetworks.Parse(LocalNetworks.Defaults), ip));

    [Fact]
    public void Parse_HostBitsAndSingleAddresses_Accepted()
    {
        var networks = LocalNetworks.Parse(["192.0.2.77/24", "2001:db8:1::5/48", "198.51.100.9"]);
        Assert.True(Local(networks, "192.0.2.200"));
        Assert.True(Local(networks, "2001:db8:1:ffff::1"));
        Assert.False(Local(networks, "2001:db8:2::1"));
        Assert.True(Local(networks, "198.51.100.9"));
        Assert.False(Local(networks, "198.51.100.10"));
        Assert.Equal(["192.0.2.0/24", "2001:db8:1::/48", "198.51.100.9/32"], networks.Networks);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("banana")]
    [InlineData("10.0.0.0/")]
    [InlineData("fd00::/129")]
    [InlineData("")]
    public void Parse_Garbage_FormatExceptionQuotingIt(string bad)
    {
        var e = Assert.Throws<FormatException>(() => LocalNetworks.Parse([bad]));
        Assert.Contains($"'{bad}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadLocalNetwork_ValidationNamesTheSetting()
    {
        var options = new AccountingOptions { LocalNetworks = ["10.0.0.0/8", "10.0.0.0/40"] };
        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        var result = Assert.Single(results);
        Assert.Contains("Sniffer:LocalNetworks:1 '10.0.0.0/40' is not an address or a network", result.ErrorMessage, StringComparison.Ordinal);
    }
}
