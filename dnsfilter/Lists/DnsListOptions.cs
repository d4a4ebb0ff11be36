namespace ClassroomGuard.DnsFilter.Lists;

/// <summary>One list to load.</summary>
public sealed class ListSource
{
    /// <summary>File (or, for <see cref="ListFormat.Ut1"/>, the directory holding one folder per list). Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>How the file is written. Default <see cref="ListFormat.Plain"/>.</summary>
    public ListFormat Format { get; set; } = ListFormat.Plain;

    /// <summary>
    /// Category key(s), comma-separated, given to every name of a non-UT1 file (e.g. <c>child_abuse</c> for the IWF list,
    /// <c>terrorism</c> for CTIRU's). Required unless <see cref="Format"/> is <see cref="ListFormat.Ut1"/>.
    /// </summary>
    public string? Category { get; set; }
}

/// <summary>Block lists, bound from <c>Dns:Lists</c>. Loaded once at start (a restart reloads them).</summary>
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
public sealed record LoadedLists(DomainTable Table, CategoryMap Categories, IReadOnlyList<(string Source, ListLoadStatistics? Statistics)> Statistics, TimeSpan Elapsed)
{
    /// <summary>No lists.</summary>
    public static LoadedLists Empty(CategoryMap categories) => new(DomainTable.Empty, categories, [], TimeSpan.Zero);

    /// <summary>Loads every source of <paramref name="options"/>. Throws <see cref="IOException"/> naming the setting of a missing source.</summary>
    public static LoadedLists Load(DnsListOptions options, CategoryMap categories)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(categories);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long bytes = 0;
        foreach (var source in options.Sources)
        {
            bytes += source.Format == ListFormat.Ut1 ? 8L * 1024 * 1024 : (File.Exists(source.Path) ? new FileInfo(source.Path).Length : 0);
        }

        var builder = new DomainTableBuilder((int)Math.Min(bytes / 20, 50_000_000));
        var stats = new List<(string, ListLoadStatistics?)>();
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            try
            {
                if (source.Format == ListFormat.Ut1)
                {
                    if (!Directory.Exists(source.Path))
                    {
                        throw new DirectoryNotFoundException($"Dns:Lists:Sources:{i}:Path '{source.Path}' is not a directory (UT1 layout expected).");
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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !e.Message.StartsWith("Dns:", StringComparison.Ordinal))
            {
                throw new IOException($"Dns:Lists:Sources:{i}:Path '{source.Path}' cannot be read: {e.Message}", e);
            }
        }

        var table = builder.Build();
        return new LoadedLists(table, categories, stats, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }
}
