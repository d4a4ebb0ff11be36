namespace ClassroomGuard.Dns.Lists;

/// <summary>How a list file is written.</summary>
public enum ListFormat
{
    /// <summary>One domain per line; <c>#</c> comments. Also accepts <c>*.domain</c> and <c>.domain</c>.</summary>
    Plain,

    /// <summary>A hosts file: <c>0.0.0.0 name [name…]</c> or <c>127.0.0.1 name</c>; <c>#</c> comments; the address is ignored.</summary>
    Hosts,

    /// <summary>AdBlock-style: only <c>||domain^</c> rules are used; every other rule kind (paths, exceptions, cosmetic) is counted and skipped.</summary>
    AdBlock,

    /// <summary>The UT1 directory layout: one folder per list with a <c>domains</c> file, mapped to categories by <see cref="Ut1Categories"/>.</summary>
    Ut1,
}

/// <summary>What loading one file did. Bad lines are counted, never fatal.</summary>
public sealed class ListLoadStatistics
{
    /// <summary>Lines read.</summary>
    public long Lines { get; set; }

    /// <summary>Names added (before deduplication across files).</summary>
    public long Names { get; set; }

    /// <summary>Blank and comment lines.</summary>
    public long Comments { get; set; }

    /// <summary>IP addresses where a name was expected.</summary>
    public long Addresses { get; set; }

    /// <summary>Labels over 63 bytes or names over 253 characters.</summary>
    public long TooLong { get; set; }

    /// <summary>Anything else unusable (bad characters, empty labels, single labels such as <c>localhost</c>).</summary>
    public long Invalid { get; set; }

    /// <summary>AdBlock rules of other kinds (paths, <c>@@</c> exceptions, cosmetic filters, options).</summary>
    public long UnsupportedRules { get; set; }

    /// <summary>Skipped lines of every kind (not counting comments).</summary>
    public long Skipped => Addresses + TooLong + Invalid + UnsupportedRules;

    /// <summary>Adds <paramref name="other"/>'s counts.</summary>
    public void Add(ListLoadStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Lines += other.Lines;
        Names += other.Names;
        Comments += other.Comments;
        Addresses += other.Addresses;
        TooLong += other.TooLong;
        Invalid += other.Invalid;
        UnsupportedRules += other.UnsupportedRules;
    }

    /// <inheritdoc />
    public override string ToString()
        => FormattableString.Invariant($"lines={Lines} names={Names} comments={Comments} addresses={Addresses} too_long={TooLong} invalid={Invalid} unsupported={UnsupportedRules}");
}
