using System.Net;
using ClassroomGuard.Console.Policy.Rules;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The address checks of "who is in which group": valid forms normalised, malformed, truncated and hostile values
/// refused with the form expected, and IP ranges turned into the fewest subnets covering exactly the range.
/// </summary>
public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("10.1.20.31", "10.1.20.31")]
    [InlineData("  192.168.0.1 ", "192.168.0.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:DB8::31", "2001:db8::31")]
    [InlineData("::ffff:10.1.20.31", "10.1.20.31")]
    public void Ip_Valid_Normalised(string text, string expected)
    {
        var result = AddressRules.Ip(text);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Value!.ToString());
    }

    [Theory]
    [InlineData(null, "Enter an IP address")]
    [InlineData("", "Enter an IP address")]
    [InlineData("   ", "Enter an IP address")]
    [InlineData("10.1", "four numbers from 0 to 255")] // IPAddress.TryParse reads this as 10.0.0.1
    [InlineData("1", "four numbers from 0 to 255")]
    [InlineData("0x0a000001", "four numbers from 0 to 255")]
    [InlineData("010.000.000.001", "without leading zeros")] // IPAddress.TryParse reads this as 8.0.0.1 (octal)
    [InlineData("10.1.20.256", "four numbers from 0 to 255")]
    [InlineData("10.1.20.-1", "four numbers from 0 to 255")]
    [InlineData("10.1.20.31.", "four numbers from 0 to 255")]
    [InlineData("10..20.31", "four numbers from 0 to 255")]
    [InlineData("10.1.20.3 1", "four numbers from 0 to 255")]
    [InlineData("fe80::1%eth0", "without a zone")]
    [InlineData("2001:db8:::1", "not an IPv6 address")]
    [InlineData("10.1.20.31/24", "four numbers from 0 to 255")]
    [InlineData("'; DROP TABLE devices; --", "four numbers from 0 to 255")]
    [InlineData("１０.1.20.31", "four numbers from 0 to 255")] // full-width digits
    public void Ip_Malformed_RefusedWithTheFormExpected(string? text, string expected)
    {
        var result = AddressRules.Ip(text);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Ip_VeryLong_RefusedWithoutEchoingItWhole()
    {
        var result = AddressRules.Ip(new string('9', 10_000));

        Assert.False(result.IsValid);
        Assert.True(result.Problem!.Length < 200);
    }

    [Fact]
    public void Ip_EveryTruncatedPrefix_RefusedOrAnotherValidAddress_NeverThrows()
    {
        const string Full = "192.168.100.254";
        for (var i = 0; i < Full.Length; i++)
        {
            var result = AddressRules.Ip(Full[..i]);
            Assert.True(!result.IsValid || result.Value!.ToString() == Full[..i], Full[..i]);
        }
    }

    [Theory]
    [InlineData("10.1.0.0/16", "10.1.0.0/16")]
    [InlineData("10.1.20.0/24", "10.1.20.0/24")]
    [InlineData("10.1.20.31/32", "10.1.20.31/32")]
    [InlineData("2001:DB8:1::/48", "2001:db8:1::/48")]
    [InlineData(" 172.16.0.0/12 ", "172.16.0.0/12")]
    public void Subnet_Valid_Normalised(string text, string expected)
    {
        var result = AddressRules.Subnet(text);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("", "Enter a subnet")]
    [InlineData("10.0.0.1/33", "an IPv4 prefix is /1 to /32")]
    [InlineData("2001:db8::/129", "an IPv6 prefix is /1 to /128")]
    [InlineData("10.0.0.0/-8", "no valid prefix length")]
    [InlineData("10.0.0.0/+8", "no valid prefix length")]
    [InlineData("10.0.0.0/", "no valid prefix length")]
    [InlineData("10.0.0.0/8/8", "is not a subnet")]
    [InlineData("10.0.0.0", "is not a subnet")]
    [InlineData("10.0.0/24", "network part")] // .NET's IPNetwork reads this as 10.0.0.0/24
    [InlineData("/24", "network part")]
    [InlineData("10.0.0.0/0", "every address")]
    [InlineData("10.0.0.0/0x8", "no valid prefix length")]
    [InlineData("10.0.0.0/1000000000000", "no valid prefix length")]
    public void Subnet_Malformed_RefusedWithTheFormExpected(string text, string expected)
    {
        var result = AddressRules.Subnet(text);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1/24", "10.0.0.0/24")]
    [InlineData("10.1.20.31/16", "10.1.0.0/16")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    public void Subnet_HostBitsSet_RefusedNamingTheSubnetThatHoldsIt(string text, string subnet)
    {
        var result = AddressRules.Subnet(text);

        Assert.False(result.IsValid);
        Assert.Contains("has host bits set", result.Problem, StringComparison.Ordinal);
        Assert.Contains($"is {subnet}. Enter that", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Subnet_EveryTruncatedPrefix_NeverThrows()
    {
        const string Full = "10.128.64.0/18";
        for (var i = 0; i <= Full.Length; i++)
        {
            var result = AddressRules.Subnet(Full[..i]);
            Assert.True(result.IsValid == (i == Full.Length), Full[..i]);
        }
    }

    [Theory]
    [InlineData("3c:22:fb:12:34:56", "3c:22:fb:12:34:56")]
    [InlineData("3C-22-FB-12-34-56", "3c:22:fb:12:34:56")]
    [InlineData("3c22.fb12.3456", "3c:22:fb:12:34:56")]
    [InlineData("3C22FB123456", "3c:22:fb:12:34:56")]
    [InlineData(" 02:42:ac:11:00:0b ", "02:42:ac:11:00:0b")]
    public void Mac_Valid_Normalised(string text, string expected)
    {
        var result = AddressRules.Mac(text);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("", "Enter a MAC address")]
    [InlineData("3c:22:fb:12:34", "six pairs of hex digits")]
    [InlineData("3c:22:fb:12:34:56:78", "six pairs of hex digits")]
    [InlineData("3c:22-fb:12:34:56", "six pairs of hex digits")]
    [InlineData("gg:22:fb:12:34:56", "six pairs of hex digits")]
    [InlineData("3c:2:fb:12:34:56", "six pairs of hex digits")]
    [InlineData("10.1.20.31", "six pairs of hex digits")]
    [InlineData("<script>alert(1)</script>", "six pairs of hex digits")]
    [InlineData("00:00:00:00:00:00", "all zeros or broadcast")]
    [InlineData("ff:ff:ff:ff:ff:ff", "all zeros or broadcast")]
    [InlineData("01:00:5e:00:00:01", "multicast")]
    public void Mac_Malformed_RefusedWithTheFormExpected(string text, string expected)
    {
        var result = AddressRules.Mac(text);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Mac_EveryTruncatedPrefix_Refused()
    {
        const string Full = "3c:22:fb:12:34:56";
        for (var i = 0; i < Full.Length; i++)
        {
            Assert.False(AddressRules.Mac(Full[..i]).IsValid, Full[..i]);
        }
    }

    public static TheoryData<string, string, string[]> Ranges => new()
    {
        { "10.1.20.0", "10.1.23.255", ["10.1.20.0/22"] },
        { "10.1.20.7", "10.1.20.7", ["10.1.20.7/32"] },
        { "10.1.20.0", "10.1.20.10", ["10.1.20.0/29", "10.1.20.8/31", "10.1.20.10/32"] },
        { "10.1.20.1", "10.1.20.254", ["10.1.20.1/32", "10.1.20.2/31", "10.1.20.4/30", "10.1.20.8/29", "10.1.20.16/28", "10.1.20.32/27", "10.1.20.64/26", "10.1.20.128/26", "10.1.20.192/27", "10.1.20.224/28", "10.1.20.240/29", "10.1.20.248/30", "10.1.20.252/31", "10.1.20.254/32"] },
        { "10.1.255.255", "10.2.0.0", ["10.1.255.255/32", "10.2.0.0/32"] },
        { "0.0.0.0", "127.255.255.255", ["0.0.0.0/1"] },
        { "128.0.0.0", "255.255.255.255", ["128.0.0.0/1"] },
        { "2001:db8::", "2001:db8::ffff", ["2001:db8::/112"] },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Range_Valid_FewestSubnetsInOrder(string from, string to, string[] expected)
    {
        var result = AddressRules.Range(from, to);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Subnets);
    }

    [Theory]
    [InlineData("10.1.20.1", "10.1.20.254")]
    [InlineData("10.1.20.5", "10.1.21.77")]
    [InlineData("192.168.0.3", "192.168.0.3")]
    public void Range_Subnets_CoverExactlyTheRangeWithoutOverlap(string from, string to)
    {
        var result = AddressRules.Range(from, to);
        var first = Number(IPAddress.Parse(from));
        var last = Number(IPAddress.Parse(to));

        Assert.True(result.IsValid, result.Problem);
        var next = first;
        foreach (var subnet in result.Subnets!)
        {
            var parts = subnet.Split('/');
            var start = Number(IPAddress.Parse(parts[0]));
            var size = 1u << (32 - int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(next, start);
            Assert.Equal(0u, start % size); // aligned: no host bits set
            next = start + size;
        }

        Assert.Equal(last + 1, next);
    }

    [Theory]
    [InlineData("10.1.20.9", "10.1.20.1", RangeField.To, "before it starts")]
    [InlineData("10.1.20", "10.1.20.9", RangeField.From, "four numbers")]
    [InlineData("10.1.20.1", "", RangeField.To, "Enter an IP address")]
    [InlineData("10.1.20.1", "2001:db8::1", RangeField.To, "Both ends")]
    [InlineData("0.0.0.0", "255.255.255.255", RangeField.To, "every address")]
    [InlineData("10.0.0.1", "10.255.255.254", RangeField.To, "needs more than 16 subnets")]
    public void Range_Invalid_RefusedAgainstItsEnd(string from, string to, RangeField field, string expected)
    {
        var result = AddressRules.Range(from, to);

        Assert.False(result.IsValid);
        Assert.Equal(field, result.Field);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.0.0/16", "10.1.20.31", true, 16)]
    [InlineData("10.1.0.0/16", "10.2.0.1", false, 0)]
    [InlineData("10.1.0.0/16", "2001:db8::1", false, 0)]
    [InlineData("2001:db8::/32", "2001:db8:5::1", true, 32)]
    [InlineData("not a subnet", "10.1.20.31", false, 0)]
    public void Contains_MatchesBySubnetAndFamily(string subnet, string address, bool expected, int prefix)
    {
        Assert.Equal(expected, AddressRules.Contains(subnet, IPAddress.Parse(address), out var length));
        Assert.Equal(prefix, length);
    }

    private static uint Number(IPAddress address) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}
