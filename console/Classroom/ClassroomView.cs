using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Classroom;

/// <summary>One room on the room list: its name, site and how many of its devices are online now.</summary>
/// <param name="Id">Room id (for the link only).</param>
/// <param name="Name">Room name.</param>
/// <param name="Site">Its site's name.</param>
/// <param name="Devices">Devices assigned to it.</param>
/// <param name="Online">Of those, seen within <see cref="ConsoleOptions.OnlineWindow"/> or with an agent connected now.</param>
internal sealed record RoomCard(long Id, string Name, string Site, int Devices, int Online);

/// <summary>A length a teacher can choose for a blank or a pause.</summary>
/// <param name="Minutes">Minutes.</param>
/// <param name="Label">As the menu says it.</param>
internal sealed record DurationChoice(int Minutes, string Label);

/// <summary>
/// What the room pages read: the rooms a user may open (with counts), and a room's live snapshots. Every read and
/// every feed subscription asks <see cref="RoomAccess"/> first, on the server, for the room it touches.
/// </summary>
internal sealed class ClassroomView(StateStore store, RoomAccess access, RoomFeeds feeds, RoomCounts counts, SchoolClock clock, IOptions<ClassroomOptions> classroom)
{
    /// <summary>The rooms <paramref name="user"/> may open, by site then name, with their device counts now.</summary>
    public async Task<IReadOnlyList<RoomCard>> RoomsAsync(ConsoleUser? user, CancellationToken cancellationToken)
    {
        var rooms = await access.RoomsForAsync(user, cancellationToken);
        if (rooms.Count == 0)
        {
            return [];
        }

        var sites = (await store.Sites.ListSitesAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name);
        var now = await counts.ReadAsync(cancellationToken);
        return rooms
            .Select(r => WithCount(new RoomCard(r.Id, r.Name, sites.GetValueOrDefault(r.SiteId, ""), 0, 0), now))
            .OrderBy(r => r.Site, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// Keeps the cards' counts fresh: <paramref name="onCards"/> gets the same cards with new counts every
    /// <see cref="RoomCounts.Interval"/> (one shared read for every open room list) until the result is disposed.
    /// </summary>
    public IDisposable WatchCounts(IReadOnlyList<RoomCard> cards, Action<IReadOnlyList<RoomCard>> onCards)
        => counts.Watch(now => onCards([.. cards.Select(c => WithCount(c, now))]));

    private static RoomCard WithCount(RoomCard card, IReadOnlyDictionary<long, RoomCount> now)
        => now.TryGetValue(card.Id, out var count) ? card with { Devices = count.Devices, Online = count.Online } : card with { Devices = 0, Online = 0 };

    /// <summary>The room now, without watching it (the page's first render), or null when the user may not use it.</summary>
    public async Task<RoomSnapshot?> CurrentAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
        => await access.CanUseRoomAsync(user, roomId, cancellationToken) ? await feeds.CurrentAsync(roomId, cancellationToken) : null;

    /// <summary>
    /// Starts watching the room for <paramref name="user"/>: <paramref name="onSnapshot"/> gets each new snapshot of
    /// the room's shared feed until the result is disposed. Null (and nothing watched) when the user may not use the
    /// room or it does not exist.
    /// </summary>
    public async Task<IDisposable?> WatchAsync(ConsoleUser? user, long roomId, Action<RoomSnapshot> onSnapshot, CancellationToken cancellationToken)
        => await access.CanUseRoomAsync(user, roomId, cancellationToken) ? feeds.Subscribe(roomId, onSnapshot) : null;

    /// <summary>Whether the user may still use the room (re-checked by a watching page now and then).</summary>
    public Task<bool> MayUseAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken) => access.CanUseRoomAsync(user, roomId, cancellationToken);

    /// <summary>Reads the room at once for its viewers (after something changed it, e.g. a lesson focus).</summary>
    public void Refresh(long roomId) => feeds.Poke(roomId);

    /// <summary>A lesson in minutes (<c>Classroom:LessonLength</c>): the default length of a blank or pause.</summary>
    public int LessonMinutes => classroom.Value.LessonMinutes;

    /// <summary>
    /// The lengths on offer for a blank or pause: 15, 30 minutes, a lesson (<c>Classroom:LessonLength</c>, the default),
    /// 90 minutes, or the rest of the school day; each length once (the lesson wins), shortest first.
    /// </summary>
    public IReadOnlyList<DurationChoice> Durations()
        => new DurationChoice[] { new(15, "15 minutes"), new(30, "30 minutes"), new(90, "90 minutes"), new(clock.MinutesToEndOfDay(), "Rest of the day"),
                new(LessonMinutes, LessonFocus.LessonLabel(LessonMinutes)) }
            .GroupBy(d => d.Minutes).Select(g => g.Last())
            .OrderBy(d => d.Minutes)
            .ToList();
}
