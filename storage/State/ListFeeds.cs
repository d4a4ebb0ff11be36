namespace ClassroomGuard.Storage.State;

/// <summary>
/// A school's own block-list feed, added from the console through change control: the DNS filter fetches
/// <see cref="Url"/> with the same checks as the UT1 collection and gives every name in it
/// <see cref="CategoryKey"/> (so each group blocks or allows it like the rest of that category).
/// </summary>
/// <param name="Id">Feed id.</param>
/// <param name="Name">What people call it ("Trust's extra blocklist").</param>
/// <param name="Url">http(s) address of the list.</param>
/// <param name="Format">How it is written: <c>Plain</c> (one name a line) or <c>Hosts</c> (hosts-file lines).</param>
/// <param name="CategoryKey">The category its names are listed in.</param>
/// <param name="AddedAt">When the change adding it was applied.</param>
/// <param name="ChangeId">The change-control entry that added it.</param>
public sealed record ListFeed(long Id, string Name, string Url, string Format, string CategoryKey, DateTimeOffset AddedAt, long ChangeId);
