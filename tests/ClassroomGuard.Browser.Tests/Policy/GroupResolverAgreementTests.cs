using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Browser.Tests.Policy;

/// <summary>
/// The console's address tester and the DNS filter put every address in the same group: for many generated policies
/// (devices with and without groups, MAC, IP and overlapping subnet mappings, retired groups), <see cref="GroupResolver"/>
/// agrees with <see cref="CompiledPolicy.ResolveClient(UInt128)"/>, the code that decides real queries. It lives here
/// because this is the one test project that references both the console and the DNS filter.
/// </summary>
public sealed class GroupResolverAgreementTests
{
    private static readonly string[] GroupKeys = ["ks1", "ks2", "ks3", "staff", "guests"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Resolve_GeneratedPolicies_SameGroupAsTheCompiledFilterForEveryAddress(int seed)
    {
        var random = new Random(seed);
        var checkedAddresses = 0;
        for (var round = 0; round < 40; round++)
        {
            var snapshot = Generate(random);
            var compiled = CompiledPolicy.Compile(snapshot, LoadedLists.Empty(new CategoryMap()), new DnsPolicyOptions(), new SafeSearchNames(new DnsPolicyOptions()));
            for (var i = 0; i < 40; i++)
            {
                var address = IPAddress.Parse($"10.{random.Next(0, 3)}.{random.Next(0, 3)}.{random.Next(0, 8)}");
                var filter = compiled.Groups[compiled.ResolveClient(ClientKey.From(address)).Group].Key;
                var tester = GroupResolver.Resolve(snapshot, address, null, new Dictionary<long, string>());
                Assert.True(filter == tester.GroupKey, $"seed {seed}, round {round}, {address}: the filter says {filter}, the tester {tester.GroupKey} ({tester.Why})");
                checkedAddresses++;
            }
        }

        Assert.Equal(40 * 40, checkedAddresses);
    }

    private static PolicySnapshot Generate(Random random)
    {
        var defaultKey = GroupKeys[random.Next(GroupKeys.Length)];
        var retired = GroupKeys.Where(k => k != defaultKey && random.Next(5) == 0).ToHashSet();
        var groups = GroupKeys.Select((k, i) => new GroupPolicy(
            i + 1, k, k.ToUpperInvariant(), GroupKind.Pupils, SafeSearchMode.Off, k == defaultKey, new HashSet<string>(), [],
            RetiredAt: retired.Contains(k) ? DateTimeOffset.UnixEpoch : null)).ToList();
        string Group() => GroupKeys[random.Next(GroupKeys.Length)];
        string Address() => $"10.{random.Next(0, 3)}.{random.Next(0, 3)}.{random.Next(0, 8)}";
        string Mac(int n) => string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:00:{n:x2}");

        var mappings = new List<ClientMapping>();
        var id = 1L;
        foreach (var prefix in new[] { 8, 16, 24, 29, 30 })
        {
            if (random.Next(2) == 0)
            {
                var network = AddressRules.Subnet($"{Address()}/{prefix}");
                var value = network.IsValid ? network.Value! : $"{Network(Address(), prefix)}/{prefix}";
                mappings.Add(new ClientMapping(id++, ClientMappingKind.Subnet, value, Group()));
            }
        }

        foreach (var ip in Enumerable.Range(0, random.Next(0, 5)).Select(_ => Address()).Distinct())
        {
            mappings.Add(new ClientMapping(id++, ClientMappingKind.Ip, ip, Group()));
        }

        foreach (var n in Enumerable.Range(0, 8).Where(_ => random.Next(3) == 0))
        {
            mappings.Add(new ClientMapping(id++, ClientMappingKind.Mac, Mac(n), Group()));
        }

        var devices = Enumerable.Range(0, random.Next(0, 8))
            .Select(d => new DeviceAddresses(d + 1, null, random.Next(3) == 0 ? Group() : null, [Mac(random.Next(0, 8))], [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Address()).Distinct()]))
            .ToList();
        return new PolicySnapshot(1, TimeZoneInfo.Utc, [], groups, [], mappings, devices, [], SchoolCalendar.Empty);
    }

    private static string Network(string address, int prefix)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) & (uint.MaxValue << (32 - prefix));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
