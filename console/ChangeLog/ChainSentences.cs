using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>The first entry that does not verify, named in words for the log page and for <c>verify-log</c>.</summary>
internal static class ChainSentences
{
    /// <summary>
    /// "Entry 17 (approval of change 15 on 3 Dec 2026 by J. Smith) has been altered or removed." — from the entry as it
    /// is stored now (possibly altered), or just its number when it is missing or unreadable.
    /// </summary>
    public static string Broken(long sequence, ChangeEntry? entry, string? actorName, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var number = sequence.ToString(CultureInfo.InvariantCulture);
        if (entry is null)
        {
            return $"Entry {number} has been altered or removed.";
        }

        var who = entry.ActorId == ChangeControl.SystemActorId ? "ClassroomGuard" : string.IsNullOrWhiteSpace(actorName) ? entry.ActorName : actorName;
        var day = TimeZoneInfo.ConvertTime(entry.At, zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        return $"Entry {number} ({Noun(entry.Event)} of change {entry.ChangeId.ToString(CultureInfo.InvariantCulture)} on {day} by {who}) has been altered or removed.";
    }

    private static string Noun(ChangeEvent @event) => @event switch
    {
        ChangeEvent.Proposed => "proposal",
        ChangeEvent.Approved => "approval",
        ChangeEvent.Expired => "expiry",
        _ => "rejection",
    };
}
