using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>The first entry that does not verify, named in words for the log page and for <c>verify-log</c>.</summary>
internal static class ChainSentences
{
    /// <summary>
    /// "Entry 17 (approval on Thu 3 Dec 2026 at 14:05 by J. Smith, of the change proposed in entry 15) has been altered or
    /// removed." — from the entry as it is stored now (possibly altered), or just its number when it is missing or
    /// unreadable. Only entry numbers: they are what the check counts, and a change is known by its proposal's entry.
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
        var when = TimeZoneInfo.ConvertTime(entry.At, zone).ToString("ddd d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);
        var ofChange = entry.Event == ChangeEvent.Proposed
            ? string.Empty
            : $", of the change proposed in entry {entry.ChangeId.ToString(CultureInfo.InvariantCulture)}";
        return $"Entry {number} ({Noun(entry.Event)} on {when} by {who}{ofChange}) has been altered or removed.";
    }

    private static string Noun(ChangeEvent @event) => @event switch
    {
        ChangeEvent.Proposed => "proposal",
        ChangeEvent.Approved => "approval",
        ChangeEvent.Expired => "expiry",
        _ => "rejection",
    };
}
