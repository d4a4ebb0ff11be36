namespace ClassroomGuard.Dns.Lists;

/// <summary>One list to load.</summary>
public sealed class ListSource
{
    /// <summary>File (or, for <see cref="ListFormat.Ut1"/>, the directory holding one folder per list). Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>How the file is written. Default <see cref="ListFormat.Plain"/>.</summary>
    public ListFormat Format { get; set; } = ListFormat.Plain;

    /// <summary>What people call it ("UT1", "IWF URL list"); default: the file's name.</summary>
    public string? Name { get; set; }

    /// <summary>The school's own feed's id in the state (added through change control); null for configured sources.</summary>
    public long? FeedId { get; set; }

    /// <summary>Where a fetched source came from (shown, never with credentials); null for a local file.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// Category key(s), comma-separated, given to every name of a non-UT1 file (e.g. <c>child_abuse</c> for the IWF list,
    /// <c>terrorism</c> for CTIRU's). Required unless <see cref="Format"/> is <see cref="ListFormat.Ut1"/>.
    /// </summary>
    public string? Category { get; set; }
}

/// <summary>A list fetched by URL (<c>Dns:Lists:Feeds:N</c>): a hosts-format or domain-list file, or the IWF / CTIRU list.</summary>
public sealed class ListFeedOptions
{
    /// <summary>What people call it ("IWF URL list"). Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>http(s) address. Credentials, where the provider needs them, go in the URL's user-info in the secrets file. Required.</summary>
    public string Url { get; set; } = "";

    /// <summary><see cref="ListFormat.Plain"/> (default), <see cref="ListFormat.Hosts"/> or <see cref="ListFormat.AdBlock"/>.</summary>
    public ListFormat Format { get; set; } = ListFormat.Plain;

    /// <summary>Category key(s), comma-separated (<c>child_abuse</c> for the IWF list, <c>terrorism</c> for CTIRU's: always-on). Required.</summary>
    public string Category { get; set; } = "";
}

/// <summary>
/// Block lists, bound from <c>Dns:Lists</c>. Loaded at start (from the compiled cache when nothing changed), and again,
/// while the old set keeps answering, whenever a download or a feed change brings a new set.
/// </summary>
public sealed class DnsListOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Dns:Lists";

    /// <summary>
    /// Lists to load (<c>Dns:Lists:Sources:0:Path</c>, <c>…:Format</c>, <c>…:Category</c>). Default: none.
    /// A missing or unreadable file stops start-up with its setting named; bad lines inside are counted and skipped.
    /// </summary>
    public List<ListSource> Sources { get; set; } = [];

    /// <summary>
    /// Overrides of the UT1 folder → category mapping (<see cref="Ut1Categories.Default"/>), e.g.
    /// <c>Dns:Lists:Ut1Categories:sect=extremism</c>, or an empty value to skip a folder. Default: none.
    /// </summary>
    public Dictionary<string, string> Ut1Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keep a compiled copy of the loaded lists (<see cref="CachePath"/>) so a restart reads it instead of parsing the
    /// lists again; it is used only while every source file's path, size and modification time and these settings are
    /// unchanged, and only if its checksum holds. Default <c>true</c>.
    /// </summary>
    public bool Cache { get; set; } = true;

    /// <summary>
    /// Where the compiled copy is kept. Default: <c>dns-lists.cache</c> in the directory of <c>State:Path</c> (no cache
    /// when neither is set).
    /// </summary>
    public string? CachePath { get; set; }

    /// <summary>
    /// Where downloaded lists are kept (<c>ut1-versions/</c>, the <c>ut1-current</c> link, <c>feeds/</c>). Default: <c>lists</c>
    /// in the directory of <c>State:Path</c>.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>UT1's published archive of the whole collection. Empty: never download (the configured sources only).</summary>
    public string Ut1Url { get; set; } = "https://dsi.ut-capitole.fr/blacklists/download/blacklists.tar.gz";

    /// <summary>
    /// UT1's published MD5 list (md5sum format) checked against the archive when it names it. Empty: no checksum check
    /// (size bounds, archive integrity and the shrink check still apply).
    /// </summary>
    public string Ut1ChecksumUrl { get; set; } = "https://dsi.ut-capitole.fr/blacklists/download/MD5SUM.LST";

    /// <summary>How often the UT1 archive and every feed are fetched again. Default one day; <c>00:00:00</c> = only at start when none is held.</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromDays(1);

    /// <summary>An archive smaller than this is refused as truncated. Default 4 MiB (UT1's is tens of MiB).</summary>
    public long MinArchiveBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>An archive (or its unpacked content, or a feed) larger than this is refused. Default 1 GiB.</summary>
    public long MaxArchiveBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Other lists fetched by URL (<c>Dns:Lists:Feeds:0:Name</c>, <c>…:Url</c>, <c>…:Format</c>, <c>…:Category</c>). Default: none.</summary>
    public List<ListFeedOptions> Feeds { get; set; } = [];

    /// <summary>UT1 folders every school must block; until each is loaded with names, health is degraded. Default adult, malware, phishing.</summary>
    public List<string> RequiredUt1Folders { get; set; } = ["adult", "malware", "phishing"];

    /// <summary>The effective UT1 mapping: defaults with the overrides applied.</summary>
    public IReadOnlyDictionary<string, string> EffectiveUt1Categories()
    {
        var map = new Dictionary<string, string>(Lists.Ut1Categories.Default, StringComparer.Ordinal);
        foreach (var (folder, keys) in Ut1Categories)
        {
            map[folder] = keys ?? "";
        }

        return map;
    }
}

/// <summary>The block lists in memory: one table of names → category bits.</summary>
/// <param name="Table">All names.</param>
/// <param name="Categories">Category keys and bits.</param>
/// <param name="Statistics">Per source (and per UT1 folder): what was read and skipped.</param>
/// <param name="Elapsed">Load time.</param>
public sealed record LoadedLists(HashedDomainTable Table, CategoryMap Categories, IReadOnlyList<(string Source, ListLoadStatistics? Statistics)> Statistics, TimeSpan Elapsed)
{
    /// <summary>The sources the table was built from (configured, downloaded and feeds).</summary>
    public IReadOnlyList<ListSource> Sources { get; init; } = [];

    /// <summary>When this set was put together (the lists reply's "loaded at": a reload changes it).</summary>
    public DateTimeOffset LoadedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>No lists.</summary>
    public static LoadedLists Empty(CategoryMap categories) => new(HashedDomainTable.Empty, categories, [], TimeSpan.Zero);

    /// <summary>Loads every configured source of <paramref name="options"/>. Throws <see cref="IOException"/> naming the setting of a missing source.</summary>
    public static LoadedLists Load(DnsListOptions options, CategoryMap categories)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Load(options.Sources, options, categories);
    }

    /// <summary>Loads <paramref name="sources"/> (the DNS filter picks them: ListSources.EffectiveSources) with the UT1 mapping of <paramref name="options"/>.</summary>
    public static LoadedLists Load(IReadOnlyList<ListSource> sources, DnsListOptions options, CategoryMap categories)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(categories);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long bytes = 0;
        foreach (var source in sources)
        {
            bytes += source.Format == ListFormat.Ut1 ? Ut1Loader.DomainsBytes(source.Path, options.EffectiveUt1Categories()) : (File.Exists(source.Path) ? new FileInfo(source.Path).Length : 0);
        }

        // ~21 bytes a line in UT1's lists: sized once, the builder never doubles (a doubling of 5 M names is a 100 MB peak).
        var builder = new HashedDomainTableBuilder((int)Math.Min(bytes / 20, 50_000_000));
        var stats = new List<(string, ListLoadStatistics?)>();
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            var setting = source.FeedId is { } id ? $"feed {id} ({source.Name})" : source.Url is not null ? $"feed '{source.Name}'" : $"Dns:Lists:Sources:{i}:Path";
            try
            {
                if (source.Format == ListFormat.Ut1)
                {
                    if (!Directory.Exists(source.Path))
                    {
                        throw new DirectoryNotFoundException($"{setting} '{source.Path}' is not a directory (UT1 layout expected).");
                    }

                    foreach (var (folder, s) in Ut1Loader.Load(source.Path, options.EffectiveUt1Categories(), categories, builder))
                    {
                        stats.Add(($"{source.Path}/{folder}", s));
                    }
                }
                else
                {
                    ulong mask = 0;
                    foreach (var key in (source.Category ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        mask |= categories.GetOrAdd(key);
                    }

                    stats.Add((source.Path, ListLoader.LoadFile(source.Path, source.Format, mask, builder)));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !e.Message.StartsWith(setting, StringComparison.Ordinal))
            {
                throw new IOException($"{setting} '{source.Path}' cannot be read: {e.Message}", e);
            }
        }

        var table = builder.Build();
        return new LoadedLists(table, categories, stats, System.Diagnostics.Stopwatch.GetElapsedTime(started)) { Sources = sources };
    }
}
