using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// A compiled copy of the loaded lists on disk, so a restart reads the domain table's arrays in one go instead of
/// parsing the list files again (5 M names: ~55 MB read in well under a second vs several seconds of parsing). The file is keyed by a fingerprint of the
/// settings (sources, formats, categories, the UT1 mapping, the categories registered before loading) and of every
/// source file's path, size and modification time; a different fingerprint, a bad checksum or an inconsistent table
/// means "no cache" and the lists are parsed as usual. Written to a temporary file and renamed, so a crash never
/// leaves a half-written cache. Little-endian machines only (x86-64, arm64); elsewhere it is never used.
/// </summary>
internal static class DomainTableCache
{
    private const uint Magic = 0x54444743; // "CGDT"
    private const int Version = 2; // 2: fingerprints and value indexes (HashedDomainTable)

    /// <summary>A fingerprint of everything the loaded table depends on (a few hundred stat calls for UT1).</summary>
    public static string Fingerprint(DnsListOptions options, IReadOnlyList<string> categoriesBefore)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Fingerprint(options.Sources, options, categoriesBefore);
    }

    /// <summary>A fingerprint of <paramref name="sources"/> as loaded with the mapping of <paramref name="options"/>.</summary>
    public static string Fingerprint(IReadOnlyList<ListSource> sources, DnsListOptions options, IReadOnlyList<string> categoriesBefore)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(categoriesBefore);
        var text = new StringBuilder();
        text.Append("v").Append(Version).Append('\n');
        text.Append("categories=").AppendJoin(',', categoriesBefore).Append('\n');
        foreach (var (folder, keys) in options.EffectiveUt1Categories().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("ut1:").Append(folder).Append('=').Append(keys).Append('\n');
        }

        foreach (var source in sources)
        {
            text.Append("source=").Append(source.Path).Append('|').Append(source.Format).Append('|').Append(source.Category).Append('\n');
            if (source.Format != ListFormat.Ut1)
            {
                Stat(text, source.Path);
                continue;
            }

            if (!Directory.Exists(source.Path))
            {
                text.Append("missing\n");
                continue;
            }

            // A downloaded set is a link replaced on every update: its target names the version.
            text.Append("target=").Append(new DirectoryInfo(source.Path).LinkTarget).Append('\n');

            // Every top-level entry (folders, alias files such as drugs → drogue) and every folder's domains file.
            foreach (var entry in Directory.GetFileSystemEntries(source.Path).Order(StringComparer.Ordinal))
            {
                Stat(text, entry);
                if (Directory.Exists(entry))
                {
                    Stat(text, Path.Combine(entry, "domains"));
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Reads the cached table if it exists and matches <paramref name="fingerprint"/>; null otherwise (never throws on content).</summary>
    public static (HashedDomainTable Table, IReadOnlyList<string> Categories)? TryRead(string path, string fingerprint)
    {
        if (!BitConverter.IsLittleEndian || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadUInt32() != Magic || reader.ReadInt32() != Version || reader.ReadString() != fingerprint)
            {
                return null;
            }

            var categoryCount = reader.ReadInt32();
            if ((uint)categoryCount > CategoryMap.MaxCategories)
            {
                return null;
            }

            var categories = new string[categoryCount];
            for (var i = 0; i < categories.Length; i++)
            {
                categories[i] = reader.ReadString();
            }

            var count = reader.ReadInt32();
            var valueCount = reader.ReadInt32();
            var remaining = stream.Length - stream.Position;
            if (count < 0 || valueCount < 0 || valueCount > ushort.MaxValue + 1 || remaining != (count * 8L) + (count * 2L) + (valueCount * 8L) + 8)
            {
                return null;
            }

            var fingerprints = HashedDomainTable.NewArray<ulong>(count);
            var valueIndex = HashedDomainTable.NewArray<ushort>(count);
            var values = new ulong[valueCount];
            stream.ReadExactly(MemoryMarshal.AsBytes(fingerprints.AsSpan()));
            stream.ReadExactly(MemoryMarshal.AsBytes(valueIndex.AsSpan()));
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            var checksum = reader.ReadUInt64();
            if (checksum != Checksum(fingerprints, valueIndex, values) || !Consistent(fingerprints, valueIndex, valueCount))
            {
                return null;
            }

            return (new HashedDomainTable(fingerprints, valueIndex, count, values), categories);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="table"/> (temporary file, then rename). Throws on I/O errors (the caller logs them).</summary>
    public static void Write(string path, string fingerprint, HashedDomainTable table, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(categories);
        if (!BitConverter.IsLittleEndian)
        {
            return;
        }

        var temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write(fingerprint);
                writer.Write(categories.Count);
                foreach (var key in categories)
                {
                    writer.Write(key);
                }

                writer.Write(table.Count);
                writer.Write(table.Values.Length);
                writer.Write(MemoryMarshal.AsBytes(table.Fingerprints));
                writer.Write(MemoryMarshal.AsBytes(table.ValueIndex));
                writer.Write(MemoryMarshal.AsBytes(table.Values));
                writer.Write(Checksum(table.Fingerprints, table.ValueIndex, table.Values));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void Stat(StringBuilder text, string path)
    {
        var info = new FileInfo(path);
        text.Append(path).Append('|');
        if (info.Exists)
        {
            text.Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('|').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
        }
        else if (Directory.Exists(path))
        {
            text.Append("dir|").Append(Directory.GetLastWriteTimeUtc(path).Ticks.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append("missing");
        }

        text.Append('\n');
    }

    /// <summary>A 64-bit multiply-xor checksum over the arrays, 8 bytes a step (~10 ms for 5 M names' 50 MB).</summary>
    private static ulong Checksum(ReadOnlySpan<ulong> fingerprints, ReadOnlySpan<ushort> valueIndex, ReadOnlySpan<ulong> values)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        hash = Mix(hash, MemoryMarshal.AsBytes(fingerprints));
        hash = Mix(hash, MemoryMarshal.AsBytes(valueIndex));
        return Mix(hash, MemoryMarshal.AsBytes(values));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per start over tens of MB: skip the unoptimised tier
    private static ulong Mix(ulong hash, ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var word in words)
        {
            hash = (hash ^ word) * 0x100000001B3UL;
            hash ^= hash >> 29;
        }

        foreach (var b in bytes[(words.Length * 8)..])
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return (hash ^ (ulong)bytes.Length) * 0x100000001B3UL;
    }

    /// <summary>Fingerprints strictly ascending (the lookup's early exit relies on it) and every value index in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Consistent(ulong[] fingerprints, ushort[] valueIndex, int valueCount)
    {
        for (var i = 1; i < fingerprints.Length; i++)
        {
            if (fingerprints[i] <= fingerprints[i - 1])
            {
                return false;
            }
        }

        foreach (var index in valueIndex)
        {
            if (index >= valueCount)
            {
                return false;
            }
        }

        return true;
    }
}
