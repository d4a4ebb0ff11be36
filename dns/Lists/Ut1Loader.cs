namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// Loads the UT1 layout: <c>&lt;root&gt;/&lt;folder&gt;/domains</c>. Some folders are symbolic links, which a
/// checkout may turn into a small file holding the target's name (<c>proxy</c> → <c>redirector</c>): both forms
/// are followed, one level. A folder reached twice (through an alias) is read once, its categories merged.
/// </summary>
public static class Ut1Loader
{
    /// <summary>Loads every mapped folder that exists; returns statistics per folder read (missing folders are listed with null).</summary>
    public static IReadOnlyList<(string Folder, ListLoadStatistics? Statistics)> Load(
        string root, IReadOnlyDictionary<string, string> mapping, CategoryMap categories, DomainSetBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(categories);
        var byFolder = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var results = new List<(string, ListLoadStatistics?)>();
        foreach (var (folder, keys) in mapping.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ulong mask = 0;
            foreach (var key in keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                mask |= categories.GetOrAdd(key);
            }

            if (mask == 0)
            {
                continue;
            }

            var resolved = Resolve(root, folder);
            if (resolved is null)
            {
                results.Add((folder, null));
                continue;
            }

            byFolder[resolved] = byFolder.GetValueOrDefault(resolved) | mask;
        }

        foreach (var (folder, mask) in byFolder.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var stats = ListLoader.LoadFile(Path.Combine(root, folder, "domains"), ListFormat.Plain, mask, builder);
            results.Add((folder, stats));
        }

        return results;
    }

    /// <summary>The size of every mapped folder's <c>domains</c> file (0 for a missing root), to size the table once.</summary>
    public static long DomainsBytes(string root, IReadOnlyDictionary<string, string> mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (!Directory.Exists(root))
        {
            return 0;
        }

        long bytes = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, keys) in mapping)
        {
            if (keys.Length > 0 && Resolve(root, folder) is { } resolved && seen.Add(resolved))
            {
                bytes += new FileInfo(Path.Combine(root, resolved, "domains")).Length;
            }
        }

        return bytes;
    }

    private static string? Resolve(string root, string folder)
    {
        var path = Path.Combine(root, folder);
        if (File.Exists(Path.Combine(path, "domains")))
        {
            return folder;
        }

        if (File.Exists(path) && new FileInfo(path).Length < 256)
        {
            var target = File.ReadAllText(path).Trim();
            if (target.Length > 0 && target.IndexOfAny(['/', '\\']) < 0 && File.Exists(Path.Combine(root, target, "domains")))
            {
                return target;
            }
        }

        return null;
    }
}
