using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>Which search engine a name belongs to.</summary>
public enum SafeSearchEngine
{
    /// <summary>Not a search engine name.</summary>
    None,
    /// <summary>Google search (every country domain).</summary>
    Google,
    /// <summary>YouTube (restricted mode).</summary>
    YouTube,
    /// <summary>Bing.</summary>
    Bing,
    /// <summary>DuckDuckGo.</summary>
    DuckDuckGo,
}

/// <summary>
/// The names rewritten by CNAME for SafeSearch (exact names, not subdomains: <c>mail.google.com</c> is untouched).
/// Google's list is generated from its country domains (<c>www.google.co.uk</c>, <c>google.com.au</c>, …), after
/// https://www.google.com/supported_domains.
/// </summary>
public sealed class SafeSearchNames
{
    /// <summary>Country suffixes Google search is served under, as in <c>google.&lt;suffix&gt;</c>.</summary>
    public static IReadOnlyList<string> GoogleSuffixes { get; } =
    [
        "com", "ad", "ae", "com.af", "com.ag", "al", "am", "co.ao", "com.ar", "as", "at", "com.au", "az", "ba", "com.bd", "be", "bf",
        "bg", "com.bh", "bi", "bj", "com.bn", "com.bo", "com.br", "bs", "bt", "co.bw", "by", "com.bz", "ca", "cd", "cf", "cg", "ch",
        "ci", "co.ck", "cl", "cm", "cn", "com.co", "co.cr", "com.cu", "cv", "com.cy", "cz", "de", "dj", "dk", "dm", "com.do", "dz",
        "com.ec", "ee", "com.eg", "es", "com.et", "fi", "com.fj", "fm", "fr", "ga", "ge", "gg", "com.gh", "com.gi", "gl", "gm", "gr",
        "com.gt", "gy", "com.hk", "hn", "hr", "ht", "hu", "co.id", "ie", "co.il", "im", "co.in", "iq", "is", "it", "je", "com.jm",
        "jo", "co.jp", "co.ke", "com.kh", "ki", "kg", "co.kr", "com.kw", "kz", "la", "com.lb", "li", "lk", "co.ls", "lt", "lu", "lv",
        "com.ly", "co.ma", "md", "me", "mg", "mk", "ml", "com.mm", "mn", "com.mt", "mu", "mv", "mw", "com.mx", "com.my", "co.mz",
        "com.na", "com.ng", "com.ni", "ne", "nl", "no", "com.np", "nr", "nu", "co.nz", "com.om", "com.pa", "com.pe", "com.pg",
        "com.ph", "com.pk", "pl", "pn", "com.pr", "ps", "pt", "com.py", "com.qa", "ro", "ru", "rw", "com.sa", "com.sb", "sc", "se",
        "com.sg", "sh", "si", "sk", "com.sl", "sn", "so", "sm", "sr", "st", "com.sv", "td", "tg", "co.th", "com.tj", "tl", "tm", "tn",
        "to", "com.tr", "tt", "com.tw", "co.tz", "com.ua", "co.ug", "co.uk", "com.uy", "co.uz", "com.vc", "co.ve", "co.vi", "com.vn",
        "vu", "ws", "rs", "co.za", "co.zm", "co.zw", "cat",
    ];

    /// <summary>YouTube names (restricted mode).</summary>
    public static IReadOnlyList<string> YouTubeNames { get; } = ["www.youtube.com", "m.youtube.com", "youtubei.googleapis.com", "youtube.googleapis.com", "www.youtube-nocookie.com"];

    /// <summary>Bing names.</summary>
    public static IReadOnlyList<string> BingNames { get; } = ["www.bing.com", "bing.com"];

    /// <summary>DuckDuckGo names.</summary>
    public static IReadOnlyList<string> DuckDuckGoNames { get; } = ["duckduckgo.com", "www.duckduckgo.com", "start.duckduckgo.com"];

    private readonly DomainTable _table;
    private readonly byte[][] _targets; // by engine; [0] unused

    /// <summary>Builds the table with the targets from <paramref name="options"/>.</summary>
    public SafeSearchNames(DnsPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new DomainTableBuilder(512);
        foreach (var suffix in GoogleSuffixes)
        {
            builder.Add("www.google." + suffix, (ulong)SafeSearchEngine.Google);
            builder.Add("google." + suffix, (ulong)SafeSearchEngine.Google);
        }

        foreach (var name in YouTubeNames)
        {
            builder.Add(name, (ulong)SafeSearchEngine.YouTube);
        }

        foreach (var name in BingNames)
        {
            builder.Add(name, (ulong)SafeSearchEngine.Bing);
        }

        foreach (var name in DuckDuckGoNames)
        {
            builder.Add(name, (ulong)SafeSearchEngine.DuckDuckGo);
        }

        _table = builder.Build();
        _targets =
        [
            [],
            DnsName.FromText(options.GoogleSafeSearchTarget),
            DnsName.FromText(options.YouTubeStrictTarget),
            DnsName.FromText(options.BingSafeSearchTarget),
            DnsName.FromText(options.DuckDuckGoSafeSearchTarget),
        ];
        YouTubeModerateTarget = DnsName.FromText(options.YouTubeModerateTarget);
    }

    /// <summary>Names in the table.</summary>
    public int Count => _table.Count;

    private byte[] YouTubeModerateTarget { get; }

    /// <summary>The engine <paramref name="wireName"/> belongs to.</summary>
    public SafeSearchEngine Find(ReadOnlySpan<byte> wireName)
        => _table.TryGetExact(wireName, out var value) ? (SafeSearchEngine)value : SafeSearchEngine.None;

    /// <summary>The rewrite target (wire form) for <paramref name="engine"/> at <paramref name="mode"/>.</summary>
    public byte[] TargetOf(SafeSearchEngine engine, Storage.State.SafeSearchMode mode)
        => engine == SafeSearchEngine.YouTube && mode == Storage.State.SafeSearchMode.Moderate ? YouTubeModerateTarget : _targets[(int)engine];
}
