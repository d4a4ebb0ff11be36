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

/// <summary>
/// What a school's own feed may be, checked by change control (and by the console beside each field, with the same
/// words): a name of 1 to <see cref="MaxNameLength"/> characters on one line; an absolute http or https address of at
/// most <see cref="MaxUrlLength"/> characters without credentials (a feed that needs them, such as the IWF's, is a
/// <c>Dns:Lists:Feeds</c> setting in the appliance's secrets file, never a page); <c>Plain</c> or <c>Hosts</c>.
/// </summary>
public static class ListFeedRules
{
    /// <summary>Longest feed name.</summary>
    public const int MaxNameLength = 80;

    /// <summary>Longest feed address.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Most live feeds added in the console.</summary>
    public const int MaxFeeds = 50;

    /// <summary>One name a line.</summary>
    public const string Plain = "Plain";

    /// <summary>Hosts-file lines (<c>0.0.0.0 name</c>).</summary>
    public const string Hosts = "Hosts";

    /// <summary>The format in its canonical spelling (<see cref="Plain"/> or <see cref="Hosts"/>, any case accepted), or null.</summary>
    /// <param name="format">The format as given.</param>
    public static string? Format(string? format)
        => string.Equals(format?.Trim(), Plain, StringComparison.OrdinalIgnoreCase) ? Plain
            : string.Equals(format?.Trim(), Hosts, StringComparison.OrdinalIgnoreCase) ? Hosts
            : null;

    /// <summary>Why <paramref name="name"/> cannot name a feed, or null when it can (after trimming).</summary>
    /// <param name="name">The name as typed.</param>
    public static string? NameProblem(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return "Give the feed a name, for example \"Trust's extra blocklist\".";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"The name has {trimmed.Length} characters; at most {MaxNameLength} are allowed.";
        }

        return trimmed.Any(char.IsControl) ? "The name must be plain text on one line." : null;
    }

    /// <summary>
    /// The address in canonical form (scheme and host in lower case, as <see cref="Uri.AbsoluteUri"/> writes it), or null
    /// with <paramref name="problem"/> saying why it cannot be a feed's address.
    /// </summary>
    /// <param name="url">The address as typed.</param>
    /// <param name="problem">Why not, in words; null when it can.</param>
    public static string? Url(string? url, out string? problem)
    {
        var trimmed = url?.Trim();
        problem = null;
        if (string.IsNullOrEmpty(trimmed))
        {
            problem = "Give the feed's address, starting with https:// (or http://).";
            return null;
        }

        if (trimmed.Length > MaxUrlLength)
        {
            problem = $"The address has {trimmed.Length} characters; at most {MaxUrlLength} are allowed.";
            return null;
        }

        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problem = "The address must be one line without spaces.";
            return null;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host) || !trimmed.Contains("://", StringComparison.Ordinal))
        {
            problem = "The address must be a web address starting with https:// (or http://), for example https://lists.example.org/extra.txt.";
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = "The address must not hold a user name or password: a feed that needs them belongs in the appliance's secrets file, as a Dns:Lists:Feeds setting (see docs/dns-policy.md), where no page shows them.";
            return null;
        }

        var canonical = uri.AbsoluteUri;
        if (canonical.Length > MaxUrlLength)
        {
            problem = $"The address has {canonical.Length} characters once written out in full; at most {MaxUrlLength} are allowed.";
            return null;
        }

        return canonical;
    }
}
