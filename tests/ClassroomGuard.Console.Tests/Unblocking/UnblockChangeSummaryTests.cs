using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Unblocking;

/// <summary>A teacher's unblock as a sentence in the change-control pages.</summary>
public sealed class UnblockChangeSummaryTests : IDisposable
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private readonly UnblockWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Describe_RoomUnblockWithinADay_ReadsAsOneLessonsWindow()
    {
        var names = await NamesAsync(new Dictionary<long, string>(), new Dictionary<long, string> { [7] = "Lab 1" });
        var change = new TemporaryUnblockChange("poki.com", ActionScope.Room, null, 7, UnblockWorld.TenOClock.AddMinutes(20), UnblockWorld.TenOClock.AddMinutes(80));

        Assert.Equal("Open poki.com for the room Lab 1 from 10:20 to 11:20 on Mon 23 Nov (a teacher's unblock request; it closes by itself)",
            ChangeSummaries.Describe(change, names));
    }

    [Fact]
    public async Task Describe_DeviceUnblockAcrossMidnightInSummerTime_GivesBothDaysInSchoolTime()
    {
        var names = await NamesAsync(new Dictionary<long, string> { [3] = "PC-07" }, new Dictionary<long, string>());
        var from = new DateTimeOffset(2026, 6, 15, 22, 30, 0, TimeSpan.Zero); // 23:30 BST
        var change = new TemporaryUnblockChange("poki.com", ActionScope.Device, 3, null, from, from.AddHours(1));

        Assert.Equal("Open poki.com for PC-07 from Mon 15 Jun 23:30 until Tue 16 Jun 00:30 (a teacher's unblock request; it closes by itself)",
            ChangeSummaries.Describe(change, names));
    }

    private async Task<PolicyNames> NamesAsync(Dictionary<long, string> devices, Dictionary<long, string> rooms)
        => new(await world.Store.Policy.GetSnapshotAsync(UnblockWorld.Ct), devices, rooms, London);
}
