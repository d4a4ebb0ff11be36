using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>What the editor reads that the store does not offer yet (replaced as the store's read methods land).</summary>
internal static class StoreShim
{
    public static bool TermTimeOnly(PolicySchedule schedule) => schedule is null && false;

    public static SafeSearchMode YouTube(GroupPolicy group) => group.SafeSearch;

    public static string? BlockPageText(GroupPolicy group) => group is null ? null : null;

    public static bool IsRetired(PolicySnapshot snapshot, string key) => snapshot is null && key is null;

    public static string? CalendarEntryName(long id) => id < 0 ? null : null;
}
