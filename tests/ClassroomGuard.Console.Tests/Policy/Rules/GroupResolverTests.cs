using System.Net;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The address tester's answer follows the DNS filter's order: the device's own group, then a MAC mapping, an exact IP
/// mapping, the longest matching subnet, and the default group; each rule is beaten only by the ones above it.
/// </summary>
public sealed class GroupResolverTests
{
    private const string LaptopMac = "3c:22:fb:12:34:56";
    private const string LaptopIp = "10.1.20.31";

    private static readonly Dictionary<long, string> Names = new() { [7] = "LAPTOP-07", [8] = "TABLET-08" };

    [Fact]
    public void Resolve_EveryRuleMatches_DeviceGroupWinsAndTheRestAreListedInOrder()
    {
        var snapshot = Snapshot(deviceGroup: "staff", mac: "ks4", ip: "ks3", subnets: [("10.1.0.0/16", "ks2"), ("10.1.20.0/24", "ks1")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal(("staff", MembershipStep.DeviceGroup), (result.GroupKey, result.Step));
        Assert.Equal("Staff", result.GroupName);
        Assert.Equal("Rule 1: LAPTOP-07 has its own group, Staff.", result.Why);
        Assert.Equal(
            [
                "Rule 2: The MAC address 3c:22:fb:12:34:56 of LAPTOP-07 is mapped to Pupils: Key Stage 4.",
                "Rule 3: The address 10.1.20.31 is mapped to Pupils: Key Stage 3.",
                "Rule 4: 10.1.20.31 is in the subnet 10.1.20.0/24, mapped to Pupils: Key Stage 1 (the narrowest subnet that holds it).",
                "Rule 4: 10.1.20.31 is also in the wider subnet 10.1.0.0/16, mapped to Pupils: Key Stage 2.",
            ],
            result.Outranked);
    }

    [Fact]
    public void Resolve_NoDeviceGroup_MacMappingBeatsIpAndSubnet()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: "ks4", ip: "ks3", subnets: [("10.1.20.0/24", "ks1")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal(("ks4", MembershipStep.Mac), (result.GroupKey, result.Step));
    }

    [Fact]
    public void Resolve_NoDeviceGroupOrMac_ExactIpBeatsSubnet()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: "ks3", subnets: [("10.1.20.0/24", "ks1")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal(("ks3", MembershipStep.Ip), (result.GroupKey, result.Step));
    }

    [Fact]
    public void Resolve_OnlySubnets_TheLongestMatchingPrefixWinsWhateverTheOrder()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: null, subnets: [("10.1.20.0/24", "ks1"), ("10.0.0.0/8", "ks2"), ("10.1.20.0/26", "ks5"), ("10.2.0.0/16", "staff")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal(("ks5", MembershipStep.Subnet), (result.GroupKey, result.Step));
        Assert.Equal(2, result.Outranked.Count); // /24 and /8; 10.2.0.0/16 does not hold the address
    }

    [Fact]
    public void Resolve_NothingMatches_DefaultGroup()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: null, subnets: [("10.2.0.0/16", "staff")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse("192.168.5.5"), null, Names);

        Assert.Equal(("guests", MembershipStep.Default), (result.GroupKey, result.Step));
        Assert.Contains("the default group applies: Guests and BYOD", result.Why, StringComparison.Ordinal);
        Assert.Empty(result.Outranked);
        Assert.Contains("No device recorded on the network holds 192.168.5.5", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MacOfAnotherDevice_IgnoredBecauseTheFilterGoesByTheDeviceHoldingTheAddress()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: null, subnets: [], extraMacMapping: ("aa:bb:cc:00:00:01", "staff"));

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), "aa:bb:cc:00:00:01", Names);

        Assert.Equal(MembershipStep.Default, result.Step);
        Assert.Contains("LAPTOP-07 holds 10.1.20.31 now", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AddressNobodyHoldsWithAKnownDevicesMac_AnswersForThatDevice()
    {
        var snapshot = Snapshot(deviceGroup: "staff", mac: null, ip: null, subnets: []);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse("10.9.9.9"), LaptopMac, Names);

        Assert.Equal(("staff", MembershipStep.DeviceGroup), (result.GroupKey, result.Step));
        Assert.Contains("once it has that address", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownDeviceWithAMappedMac_MacMappingApplies()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: null, subnets: [], extraMacMapping: ("aa:bb:cc:00:00:01", "staff"));

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse("10.9.9.9"), "aa:bb:cc:00:00:01", Names);

        Assert.Equal(("staff", MembershipStep.Mac), (result.GroupKey, result.Step));
        Assert.Contains("once the network monitor or the agent records the device", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MappingToAGroupThatNoLongerExists_SkippedAsTheFilterDoes()
    {
        var snapshot = Snapshot(deviceGroup: "retired", mac: null, ip: "gone", subnets: [("10.1.20.0/24", "ks1")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal(("ks1", MembershipStep.Subnet), (result.GroupKey, result.Step));
    }

    [Fact]
    public void Resolve_TwoDevicesOnceHeldTheAddress_TheLastRecordedWins()
    {
        var snapshot = Snapshot(deviceGroup: "staff", mac: null, ip: null, subnets: []) with
        {
            Devices =
            [
                new DeviceAddresses(7, null, "staff", [LaptopMac], [LaptopIp]),
                new DeviceAddresses(8, null, "ks3", ["aa:bb:cc:00:00:08"], [LaptopIp]),
            ],
        };

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse(LaptopIp), null, Names);

        Assert.Equal("Rule 1: TABLET-08 has its own group, Pupils: Key Stage 3.", result.Why);
    }

    [Fact]
    public void Resolve_Ipv6AddressInAnIpv6Subnet_SubnetApplies_AndIpv4SubnetsDoNot()
    {
        var snapshot = Snapshot(deviceGroup: null, mac: null, ip: null, subnets: [("2001:db8:1::/48", "ks4"), ("10.0.0.0/8", "ks2")]);

        var result = GroupResolver.Resolve(snapshot, IPAddress.Parse("2001:db8:1::42"), null, Names);

        Assert.Equal(("ks4", MembershipStep.Subnet), (result.GroupKey, result.Step));
        Assert.Empty(result.Outranked);
    }

    private static PolicySnapshot Snapshot(string? deviceGroup, string? mac, string? ip, (string Subnet, string Group)[] subnets, (string Mac, string Group)? extraMacMapping = null)
    {
        var groups = new (string Key, string Name, bool Default)[]
        {
            ("ks1", "Pupils: Key Stage 1", false), ("ks2", "Pupils: Key Stage 2", false), ("ks3", "Pupils: Key Stage 3", false),
            ("ks4", "Pupils: Key Stage 4", false), ("ks5", "Pupils: Key Stage 5", false), ("staff", "Staff", false), ("guests", "Guests and BYOD", true),
        }.Select((g, i) => new GroupPolicy(i + 1, g.Key, g.Name, GroupKind.Pupils, SafeSearchMode.Strict, g.Default, new HashSet<string>(), [])).ToList();
        var mappings = new List<ClientMapping>();
        if (mac is not null)
        {
            mappings.Add(new ClientMapping(1, ClientMappingKind.Mac, LaptopMac, mac));
        }

        if (extraMacMapping is { } extra)
        {
            mappings.Add(new ClientMapping(2, ClientMappingKind.Mac, extra.Mac, extra.Group));
        }

        if (ip is not null)
        {
            mappings.Add(new ClientMapping(3, ClientMappingKind.Ip, LaptopIp, ip));
        }

        mappings.AddRange(subnets.Select((s, i) => new ClientMapping(10 + i, ClientMappingKind.Subnet, s.Subnet, s.Group)));
        return new PolicySnapshot(
            1, TimeZoneInfo.Utc, [], groups, [], mappings,
            [new DeviceAddresses(7, null, deviceGroup, [LaptopMac], [LaptopIp])],
            [],
            SchoolCalendar.Empty);
    }
}
