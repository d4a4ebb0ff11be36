using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>One request with the names of where it is for.</summary>
/// <param name="Detail">The request, who asked, who decided and their words.</param>
/// <param name="RoomId">The room it is for (the device's room for one device), if the room still exists.</param>
/// <param name="Where">"Lab 1", or "Amira (PC-07) in Lab 1".</param>
internal sealed record UnblockItem(UnblockRequestDetail Detail, long? RoomId, string Where)
{
    public UnblockRequest Request => Detail.Request;
}

/// <summary>An approved unblock in force (a teacher action of kind unblock).</summary>
/// <param name="Domain">The site.</param>
/// <param name="RoomId">The room it is in (the device's room for one device).</param>
/// <param name="Target">"this room", or the device's name.</param>
/// <param name="Ends">When it closes by itself.</param>
internal sealed record OpenUnblock(string Domain, long? RoomId, string Target, DateTimeOffset Ends);

/// <summary>
/// Today's unblock requests (and any still pending) and the unblocks open now, as read at <paramref name="ReadAt"/> at
/// state revision <paramref name="Revision"/>: one read shared by every page that shows them.
/// </summary>
internal sealed record UnblockBoard(IReadOnlyList<UnblockItem> Requests, IReadOnlyList<OpenUnblock> Open, DateTimeOffset ReadAt, long Revision)
{
    public static readonly UnblockBoard Empty = new([], [], DateTimeOffset.MinValue, -1);

    /// <summary>Requests still waiting for a decision that can still be approved (their end has not passed).</summary>
    public IEnumerable<UnblockItem> PendingAt(DateTimeOffset now)
        => Requests.Where(r => r.Request.Status == UnblockRequestStatus.Pending && r.Request.LessonEnd > now);
}
