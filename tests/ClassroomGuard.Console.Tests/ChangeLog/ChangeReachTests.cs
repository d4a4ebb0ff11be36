using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>Whom a pending change affects: devices counted in the group the filter puts them in (own group, MAC, IP, narrowest subnet, default).</summary>
public sealed class ChangeReachTests : IDisposable
{
    private readonly AdminTestContext school = new();

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Describe_CountsDevicesInTheFiltersOrder()
    {
        var seeded = await school.Store.Policy.GetSnapshotAsync(AdminTestContext.Token);
        var fallback = seeded.DefaultGroup.Key;
        Assert.NotEqual("ks3", fallback); // the seed's default is another group, so the last device is not counted in ks3
        var snapshot = seeded with
        {
            ClientMappings =
            [
                new ClientMapping(1, ClientMappingKind.Subnet, "10.0.8.0/24", "ks3"),
                new ClientMapping(2, ClientMappingKind.Subnet, "10.0.8.0/28", "staff"),
                new ClientMapping(3, ClientMappingKind.Mac, "02:00:00:00:00:04", "ks3"),
                new ClientMapping(4, ClientMappingKind.Ip, "10.0.9.7", "ks3"),
                new ClientMapping(5, ClientMappingKind.Subnet, "10.0.10.0/24", "no-such-group"),
            ],
            Devices =
            [
                new DeviceAddresses(1, null, "ks3", [], ["10.0.8.3"]), // own group beats the /28 staff subnet
                new DeviceAddresses(2, null, null, [], ["10.0.8.200"]), // only the /24: ks3
                new DeviceAddresses(3, null, null, [], ["10.0.8.5"]), // the narrower /28: staff
                new DeviceAddresses(4, null, null, ["02:00:00:00:00:04"], ["10.0.8.6"]), // its MAC beats the /28: ks3
                new DeviceAddresses(5, null, null, [], ["10.0.9.7"]), // exact IP: ks3
                new DeviceAddresses(6, null, null, [], ["10.0.10.1", "not an address"]), // a mapping to a group that is gone, then nothing: default
                new DeviceAddresses(7, null, "no-such-group", [], []), // no addresses at all: default
            ],
        };
        var names = new PolicyNames(snapshot, new Dictionary<long, string> { [3] = "LAPTOP-03" }, new Dictionary<long, string>(), TimeZoneInfo.Utc);
        var reach = new ChangeReach(names);
        string Name(string key) => snapshot.Groups.Single(g => g.Key == key).Name;

        Assert.Equal($"{Name("ks3")}: 4 devices in it now", reach.Describe(new BlockCategoryChange("ks3", "games")));
        Assert.Equal($"{Name("staff")}: 1 device in it now", reach.Describe(new SetSafeSearchChange("staff", SafeSearchMode.Strict)));
        Assert.Equal($"{Name(fallback)}: 2 devices in it now", reach.Describe(new SetYouTubeModeChange(fallback, SafeSearchMode.Strict)));
        Assert.Equal("Every group: 7 devices on record", reach.Describe(new SetDomainRuleChange("poki.com", null, RuleAction.Deny)));
        Assert.Equal("One device: LAPTOP-03", reach.Describe(new SetDeviceGroupChange(3, "ks3")));
        Assert.StartsWith("Nobody yet", reach.Describe(new CreateGroupChange("y7", "Year 7", GroupKind.Pupils, SafeSearchMode.Strict, null)), StringComparison.Ordinal);
        Assert.Null(reach.Describe(new AddCalendarEntryChange(CalendarEntryKind.Holiday, "Half term", new DateOnly(2026, 10, 26), new DateOnly(2026, 10, 30))));
        Assert.Null(reach.Describe(new RemoveScheduleChange(987654))); // a time rule that no longer exists
    }
}
