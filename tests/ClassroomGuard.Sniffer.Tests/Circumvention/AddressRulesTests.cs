using System.Net;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

public sealed class AddressRulesTests
{
    private static NetAddress A(string text) => NetAddress.FromIPAddress(IPAddress.Parse(text));

    [Fact]
    public void Defaults_PrivateNetworksMonitored_PublicAndApplianceNot()
    {
        var rules = AddressRules.TryCreate(new CircumventionOptions { ApplianceAddresses = ["192.168.1.2"] }, []);
        Assert.NotNull(rules);
        Assert.True(rules.IsMonitoredClient(A("10.1.2.3")));
        Assert.True(rules.IsMonitoredClient(A("172.31.255.1")));
        Assert.True(rules.IsMonitoredClient(A("192.168.1.50")));
        Assert.True(rules.IsMonitoredClient(A("fd12:3456::7")));
        Assert.True(rules.IsMonitoredClient(A("fe80::1")));
        Assert.False(rules.IsMonitoredClient(A("172.32.0.1")));
        Assert.False(rules.IsMonitoredClient(A("8.8.8.8")));
        Assert.False(rules.IsMonitoredClient(A("2001:db8::1")));
        Assert.False(rules.IsMonitoredClient(A("192.168.1.2")));
        Assert.False(rules.IsMonitoredClient(default));
        Assert.True(rules.IsAllowedResolver(A("192.168.1.2")));
        Assert.False(rules.IsAllowedResolver(A("8.8.8.8")));
    }

    [Fact]
    public void Configured_LocalExemptAllowed()
    {
        var rules = AddressRules.TryCreate(new CircumventionOptions
        {
            ApplianceAddresses = ["2001:db8:1::53"],
            LocalNetworks = ["2001:db8:1::/48", "198.51.100.0/24"],
            ExemptClients = ["198.51.100.10", "2001:db8:1:ff::/64"],
            AllowedResolvers = ["198.51.100.53"],
        }, []);
        Assert.NotNull(rules);
        Assert.True(rules.IsMonitoredClient(A("2001:db8:1:5::9")));
        Assert.True(rules.IsMonitoredClient(A("198.51.100.11")));
        Assert.False(rules.IsMonitoredClient(A("198.51.100.10")));
        Assert.False(rules.IsMonitoredClient(A("2001:db8:1:ff::9")));
        Assert.False(rules.IsMonitoredClient(A("10.0.0.1"))); // the defaults are replaced, not added to
        Assert.True(rules.IsAllowedResolver(A("198.51.100.53")));
        Assert.True(rules.IsAllowedResolver(A("2001:db8:1::53")));
    }

    [Fact]
    public void HostAddresses_DefaultIncludesLoopback()
    {
        var rules = AddressRules.TryCreate(new CircumventionOptions(), []);
        Assert.NotNull(rules);
        Assert.Contains(A("127.0.0.1"), rules.ApplianceAddresses);
    }

    [Fact]
    public void BadValues_ErrorsNameEachSetting()
    {
        var errors = new List<string>();
        var rules = AddressRules.TryCreate(new CircumventionOptions
        {
            ApplianceAddresses = ["appliance"],
            LocalNetworks = ["10.0.0.0/8", "10.0.0.0/33"],
            ExemptClients = ["banana/8"],
            AllowedResolvers = ["10.0.0.0/8"],
        }, errors);

        Assert.Null(rules);
        Assert.Equal(
            [
                "Sniffer:LocalNetworks:1 '10.0.0.0/33' is not an address or a network in CIDR form (10.0.0.0/8, fd00::/8).",
                "Sniffer:Circumvention:ExemptClients:0 'banana/8' is not an address or a network in CIDR form (10.0.0.0/8, fd00::/8).",
                "Sniffer:Circumvention:ApplianceAddresses:0 'appliance' is not an IP address.",
                "Sniffer:Circumvention:AllowedResolvers:0 '10.0.0.0/8' is not an IP address.",
            ],
            errors);
    }
}
