using ClassroomGuard.Dns.Lists;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// The UT1 lists of circumvention services, loaded once at start with the DNS filter's own loader and table
/// (<c>dns/Lists</c>, the library both services reference), so both read UT1 the same way: the folders the DNS filter maps to <c>doh</c>, <c>vpn</c> and
/// <c>proxy</c> by default (<see cref="Ut1Categories.Default"/>: doh, vpn, redirector — which UT1's <c>proxy</c> links
/// to — and residential-proxies). A listed name covers its subdomains. Lookups allocate nothing.
/// </summary>
public sealed class ServiceLists
{
    private static readonly string[] Keys = ["doh", "vpn", "proxy"];

    private readonly ulong _doh;
    private readonly ulong _vpn;
    private readonly ulong _proxy;

    private ServiceLists(DomainTable table, CategoryMap categories, IReadOnlyList<(string Folder, ListLoadStatistics? Statistics)> folders)
    {
        Table = table;
        Folders = folders;
        _doh = categories.BitOf("doh");
        _vpn = categories.BitOf("vpn");
        _proxy = categories.BitOf("proxy");
    }

    /// <summary>No lists (detection by name off).</summary>
    public static ServiceLists Empty { get; } = new(DomainTable.Empty, new CategoryMap(), []);

    /// <summary>The names loaded.</summary>
    public DomainTable Table { get; }

    /// <summary>Each UT1 folder mapped to doh/vpn/proxy and what was read from it (null: the folder is missing).</summary>
    public IReadOnlyList<(string Folder, ListLoadStatistics? Statistics)> Folders { get; }

    /// <summary>
    /// Loads the lists from the UT1 directory <paramref name="root"/>. Throws <see cref="IOException"/> when a list cannot
    /// be read, and <see cref="DirectoryNotFoundException"/> when none of the folders exists.
    /// </summary>
    public static ServiceLists Load(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"'{root}' is not a directory.");
        }

        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (folder, keys) in Ut1Categories.Default)
        {
            var ours = keys.Split(',', StringSplitOptions.TrimEntries).Where(k => Keys.Contains(k, StringComparer.Ordinal)).ToArray();
            if (ours.Length > 0)
            {
                mapping[folder] = string.Join(',', ours);
            }
        }

        var categories = new CategoryMap();
        var builder = new DomainTableBuilder(200_000);
        var folders = Ut1Loader.Load(root, mapping, categories, builder);
        if (folders.All(f => f.Statistics is null))
        {
            throw new DirectoryNotFoundException($"'{root}' holds none of the UT1 folders {string.Join(", ", mapping.Keys.Order(StringComparer.Ordinal))}.");
        }

        return new ServiceLists(builder.Build(), categories, folders);
    }

    /// <summary>
    /// Looks up a lower-case wire name (from <see cref="HostNames.TryToWire"/>) and its parents. Returns the kind (DoH
    /// before VPN before proxy when a name is on several lists), or null; <paramref name="matchOffset"/> is where the most
    /// specific listed suffix starts in <paramref name="wireName"/>.
    /// </summary>
    public CircumventionKind? Match(ReadOnlySpan<byte> wireName, out int matchOffset)
    {
        var bits = Table.MatchSuffixes(wireName, out matchOffset);
        if (bits == 0)
        {
            return null;
        }

        return (bits & _doh) != 0 ? CircumventionKind.DnsOverHttps
            : (bits & _vpn) != 0 ? CircumventionKind.VpnService
            : (bits & _proxy) != 0 ? CircumventionKind.ProxyService
            : null;
    }
}
