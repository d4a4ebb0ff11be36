namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>What the policy decided.</summary>
public enum PolicyOutcome : byte
{
    /// <summary>Resolve normally.</summary>
    Forward,
    /// <summary>Answer with a block (see <see cref="PolicyVerdict.Reason"/>).</summary>
    Block,
    /// <summary>Answer with a CNAME to the SafeSearch target and the target's records.</summary>
    Rewrite,
}

/// <summary>Which rule blocked (in precedence order).</summary>
public enum BlockReason : byte
{
    /// <summary>Not blocked.</summary>
    None,
    /// <summary>An always-on category (child abuse, terrorism): nothing overrides it.</summary>
    AlwaysOn,
    /// <summary>A circumvention name (Firefox DoH canary, iCloud Private Relay): always NXDOMAIN.</summary>
    Circumvention,
    /// <summary>A deny entry (global or the client's group).</summary>
    Deny,
    /// <summary>A teacher paused the device or its room.</summary>
    Pause,
    /// <summary>Focus mode: the name is not on the lesson's allow-list.</summary>
    Focus,
    /// <summary>A category the client's group blocks at this time.</summary>
    Category,
}

/// <summary>The verdict for one query, with what is needed to attribute it. A plain value: no allocation.</summary>
public struct PolicyVerdict
{
    /// <summary>Forward, block or rewrite.</summary>
    public PolicyOutcome Outcome;

    /// <summary>Why it was blocked.</summary>
    public BlockReason Reason;

    /// <summary>Bit index of the category named in the block (-1 if none).</summary>
    public int Category;

    /// <summary>Every category the name is listed in (bits of the policy's <see cref="ClassroomGuard.Dns.Lists.CategoryMap"/>).</summary>
    public ulong ListedCategories;

    /// <summary>The teacher action (pause/focus) that blocked, or that unblocked; 0 if none.</summary>
    public long ActionId;

    /// <summary>Offset in the query name of the listed suffix or rule that decided (-1 if none): the "rule" of the attribution.</summary>
    public int MatchOffset;

    /// <summary>For <see cref="PolicyOutcome.Rewrite"/>: the engine.</summary>
    public SafeSearchEngine Engine;

    /// <summary>For <see cref="PolicyOutcome.Rewrite"/>: the group's mode for that engine (YouTube restricted mode or web SafeSearch).</summary>
    public ClassroomGuard.Storage.State.SafeSearchMode Mode;

    /// <summary>Index of the client's group in the policy.</summary>
    public int Group;
}
