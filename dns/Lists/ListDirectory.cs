namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// Where downloaded lists live on disk (<c>Dns:Lists:Directory</c>) and which sources are in force. The UT1 collection is
/// unpacked into <c>ut1-versions/&lt;version&gt;/</c> and published by replacing the <c>ut1-current</c> symbolic link in
/// one rename, so a reader sees the old set or the new one, never half of either; each feed's last good copy is
/// <c>feeds/&lt;key&gt;.list</c>, replaced the same way (temporary file, then rename).
/// </summary>
public sealed class ListDirectory
{
    /// <summary>The link to the UT1 version in force.</summary>
    public const string Ut1CurrentName = "ut1-current";

    /// <summary>The folder holding every unpacked UT1 version kept.</summary>
    public const string Ut1VersionsName = "ut1-versions";

    /// <summary>The file, inside a UT1 version folder, describing it (<see cref="ListVersionInfo"/> as JSON).</summary>
    public const string VersionFileName = "VERSION.json";

    /// <summary>Creates the layout rooted at <paramref name="root"/> (nothing is created on disk).</summary>
    public ListDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The directory.</summary>
    public string Root { get; }

    /// <summary>The UT1 set in force (a symbolic link into <see cref="Ut1Versions"/>).</summary>
    public string Ut1Current => Path.Combine(Root, Ut1CurrentName);

    /// <summary>Unpacked UT1 versions.</summary>
    public string Ut1Versions => Path.Combine(Root, Ut1VersionsName);

    /// <summary>Feeds' last good copies.</summary>
    public string Feeds => Path.Combine(Root, "feeds");

    /// <summary>
    /// The version folder <see cref="Ut1Current"/> points at now, as a full path (or the link itself when it cannot be
    /// resolved). Lists are loaded from this path, not through the link, so a version published while they load never
    /// mixes into them, and the sources in force name the version they came from.
    /// </summary>
    public string ResolveUt1Current()
    {
        try
        {
            return new DirectoryInfo(Ut1Current).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Ut1Current;
        }
        catch (IOException)
        {
            return Ut1Current;
        }
    }

    /// <summary>True when a downloaded UT1 set has been published.</summary>
    public bool HasUt1 => System.IO.Directory.Exists(Ut1Current);

    /// <summary>The last good copy of a feed (<paramref name="key"/> from <see cref="FeedKey"/>).</summary>
    public string FeedFile(string key) => Path.Combine(Feeds, key + ".list");

    /// <summary>A feed's file key: stable for its URL, safe as a file name (no credentials leak into it).</summary>
    public static string FeedKey(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    /// <summary>The directory from the settings: <c>Dns:Lists:Directory</c>, else <c>lists</c> beside <c>State:Path</c>, else null.</summary>
    public static ListDirectory? From(DnsListOptions options, string? statePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            return new ListDirectory(options.Directory);
        }

        var directory = string.IsNullOrWhiteSpace(statePath) ? null : Path.GetDirectoryName(Path.GetFullPath(statePath));
        return directory is null ? null : new ListDirectory(Path.Combine(directory, "lists"));
    }
}

/// <summary>What a downloaded UT1 set is (written beside it as <see cref="ListDirectory.VersionFileName"/>).</summary>
/// <param name="Source">The URL it came from (no credentials).</param>
/// <param name="FetchedAt">When it was downloaded.</param>
/// <param name="PublishedAt">The server's Last-Modified for it, when given.</param>
/// <param name="Sha256">The archive's SHA-256 (hex).</param>
/// <param name="Md5Verified">True when UT1's published MD5 named this archive and matched.</param>
/// <param name="NamesPerFolder">Lines with a name, per UT1 folder (for the shrink check of the next download).</param>
public sealed record ListVersionInfo(string Source, DateTimeOffset FetchedAt, DateTimeOffset? PublishedAt, string Sha256, bool Md5Verified, IReadOnlyDictionary<string, int> NamesPerFolder)
{
    /// <summary>"UT1 of 6 December 2026 (sha256 1a2b3c4d)": the date UT1 published it, else when it was fetched.</summary>
    public string Describe()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"UT1 of {(PublishedAt ?? FetchedAt).ToUniversalTime():d MMMM yyyy} (sha256 {Sha256[..Math.Min(8, Sha256.Length)]})");
}
