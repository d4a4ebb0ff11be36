using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>What an archive held.</summary>
/// <param name="TopFolder">The single top folder (<c>blacklists</c>).</param>
/// <param name="NamesPerFolder">Lines with a name in each folder's <c>domains</c> (folders that are links are not counted).</param>
/// <param name="Links">Folders that are links to another folder (<c>proxy</c> → <c>redirector</c>).</param>
/// <param name="UnpackedBytes">Bytes of the tar stream.</param>
/// <param name="Entries">Entries read.</param>
internal sealed record Ut1Content(string TopFolder, IReadOnlyDictionary<string, int> NamesPerFolder, IReadOnlyDictionary<string, string> Links, long UnpackedBytes, int Entries);

/// <summary>
/// Checks and unpacks a UT1 archive (tar.gz, one top folder of <c>&lt;folder&gt;/domains</c>). The gzip data must be
/// whole: its trailer's CRC-32 and length must match what was unpacked, and the tar stream must end with its
/// end-of-archive blocks — a cut-off download is refused even where the decompressor would stop quietly. Every entry
/// must stay inside the folder (no absolute path, no <c>..</c>, links only to a sibling inside the tree, nothing written
/// through a link, no devices); the unpacked total and the entry count are bounded (a gzip bomb is refused).
/// Only each folder's <c>domains</c> and <c>usage</c> files are written (the <c>urls</c> and <c>expressions</c> files
/// are not used by a DNS filter), and the links, as links.
/// </summary>
internal static class Ut1Archive
{
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal) { "domains", "usage" };

    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="destination"/> (created); throws <see cref="FetchRefusedException"/>.</summary>
    public static Ut1Content Extract(string archive, string destination, long maxUnpackedBytes, int maxEntries)
    {
        Directory.CreateDirectory(destination);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        string? top = null;
        var entries = 0;
        using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (file.Length < 18 || file.ReadByte() != 0x1f || file.ReadByte() != 0x8b)
        {
            throw new FetchRefusedException(FetchProblem.Corrupt, "the download is not a gzip archive (a tar.gz is expected)");
        }

        file.Position = 0;
        using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        using var counting = new CheckingStream(gzip, maxUnpackedBytes);
        try
        {
            using var reader = new TarReader(counting, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++entries > maxEntries)
                {
                    throw new FetchRefusedException(FetchProblem.TooLarge, $"the archive holds more than {FetchText.Count(maxEntries)} entries: not UT1's collection");
                }

                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
                {
                    continue;
                }

                var segments = Segments(entry.Name);
                if (segments.Count == 0)
                {
                    continue; // "./"
                }

                if (segments.Count == 1 && entry.EntryType != TarEntryType.Directory)
                {
                    continue; // a file beside the top folder (a read-me): not part of the lists
                }

                if (top is null)
                {
                    top = segments[0];
                }
                else if (!string.Equals(top, segments[0], StringComparison.Ordinal))
                {
                    throw new FetchRefusedException(FetchProblem.Layout, $"the archive has more than one top folder ('{top}' and '{segments[0]}'): not UT1's layout");
                }

                var relative = segments.Skip(1).ToArray();
                if (relative.Length == 0)
                {
                    continue;
                }

                var key = string.Join('/', relative);
                for (var i = 1; i <= relative.Length; i++)
                {
                    if (links.ContainsKey(string.Join('/', relative.Take(i))))
                    {
                        throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive writes '{entry.Name}' through a link: refused");
                    }
                }

                var target = Path.Combine(destination, Path.Combine(relative));
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.SymbolicLink:
                        {
                            // UT1's only kind: a top-level folder naming a sibling folder (proxy -> redirector). Any
                            // other link (deeper, a path, "." or "..", a link to a link) could lead out of the tree.
                            var linkTarget = entry.LinkName;
                            if (relative.Length != 1 || !IsSiblingName(linkTarget))
                            {
                                throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive's link '{entry.Name}' points outside the list folder or not at a sibling folder ('{linkTarget}'): refused (only a top-level folder naming another is accepted)");
                            }

                            if (links.ContainsKey(linkTarget) || string.Equals(linkTarget, key, StringComparison.Ordinal))
                            {
                                throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive's link '{entry.Name}' points at a link ('{linkTarget}'): refused");
                            }

                            if (written.Contains(key) || Directory.Exists(target))
                            {
                                throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive's link '{entry.Name}' replaces an entry: refused");
                            }

                            File.CreateSymbolicLink(target, linkTarget);
                            links[key] = linkTarget;
                            break;
                        }

                    case TarEntryType.HardLink:
                        {
                            var resolved = Segments(entry.LinkName);
                            if (resolved.Count < 2 || resolved[0] != top)
                            {
                                throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive's link '{entry.Name}' points outside the list folder ('{entry.LinkName}'): refused");
                            }

                            var from = string.Join('/', resolved.Skip(1));
                            if (relative.Length == 2 && Kept.Contains(relative[1]) && written.Contains(from))
                            {
                                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                                try
                                {
                                    File.Copy(Path.Combine(destination, Path.Combine([.. resolved.Skip(1)])), target, overwrite: true);
                                    NativeMethods.SyncFile(target);
                                }
                                catch (IOException e)
                                {
                                    throw FetchText.StorageProblem(destination, e);
                                }
                                written.Add(key);
                                if (relative[1] == "domains" && from.EndsWith("/domains", StringComparison.Ordinal))
                                {
                                    names[relative[0]] = names.GetValueOrDefault(from[..^"/domains".Length]);
                                }
                            }

                            break;
                        }

                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (relative.Length == 2 && Kept.Contains(relative[1]))
                        {
                            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                            var count = Write(entry.DataStream, target, destination);
                            written.Add(key);
                            if (relative[1] == "domains")
                            {
                                names[relative[0]] = count;
                            }
                        }

                        break; // other files are read through (and counted against the bound), not written
                    default:
                        throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive holds '{entry.Name}', a {entry.EntryType} entry: refused (lists are files and folders)");
                }
            }

            counting.Drain();
            foreach (var (link, linkTarget) in links)
            {
                if (links.ContainsKey(linkTarget))
                {
                    throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive's link '{top}/{link}' points at a link ('{linkTarget}'): refused");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw counting.Bytes == 0 && entries == 0
                ? new FetchRefusedException(FetchProblem.Corrupt, $"the archive is not a valid tar.gz: {e.Message}", e)
                : new FetchRefusedException(FetchProblem.Corrupt, $"the archive is damaged after {FetchText.Size(file.Position)} ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new FetchRefusedException(FetchProblem.Truncated, $"the archive ends in the middle of an entry after {FetchText.Size(file.Length)}: a cut-off download", e);
        }
        catch (FormatException e)
        {
            throw new FetchRefusedException(FetchProblem.Corrupt, $"the archive's tar data is damaged ({e.Message})", e);
        }
        catch (IOException e) when (FetchText.IsDiskFull(e))
        {
            throw FetchText.StorageProblem(destination, e); // a folder or link could not be created: the disk, not the archive
        }
        catch (Exception e) when (e is ArgumentException or UnauthorizedAccessException or (IOException and not FileNotFoundException))
        {
            throw new FetchRefusedException(FetchProblem.Corrupt, $"the archive cannot be unpacked: {e.Message}", e);
        }

        // The gzip trailer: CRC-32 and length (mod 2^32) of everything unpacked. A cut-off file has no trailer, so the
        // bytes found there are not these.
        Span<byte> trailer = stackalloc byte[8];
        file.Position = file.Length - 8;
        file.ReadExactly(trailer);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (crc != counting.Crc || length != (uint)counting.Bytes)
        {
            throw new FetchRefusedException(FetchProblem.Truncated, $"the archive is incomplete or damaged: its gzip checksum does not match what was unpacked ({FetchText.Size(file.Length)} downloaded)");
        }

        if (counting.Bytes % 512 != 0 || counting.TrailingZeros < 1024)
        {
            throw new FetchRefusedException(FetchProblem.Truncated, "the archive's tar data has no end-of-archive marker: a cut-off archive");
        }

        if (top is null)
        {
            throw new FetchRefusedException(FetchProblem.Layout, "the archive is empty");
        }

        return new Ut1Content(top, names, links, counting.Bytes, entries);
    }

    /// <summary>The path's segments without "." and empty ones; throws for an absolute path or "..".</summary>
    private static List<string> Segments(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive holds an entry with an unusable name ('{name.Replace("\0", "\\0", StringComparison.Ordinal)}'): refused");
        }

        if (name.StartsWith('/'))
        {
            throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive holds an absolute path ('{name}'): refused");
        }

        var segments = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw new FetchRefusedException(FetchProblem.UnsafeEntry, $"the archive holds a path going up out of its folder ('{name}'): refused");
            }

            segments.Add(segment);
        }

        return segments;
    }

    /// <summary>True for one plain path segment: not empty, no '/', not "." nor "..", no NUL.</summary>
    private static bool IsSiblingName(string? name)
        => !string.IsNullOrEmpty(name) && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    /// <summary>Writes a file, returning its lines holding a name (not blank, not a comment).</summary>
    private static int Write(Stream? data, string path, string destination)
    {
        try
        {
            return WriteCore(data, path);
        }
        catch (IOException e) when (e is not EndOfStreamException && !IsReadError(e))
        {
            throw FetchText.StorageProblem(destination, e); // the disk, not the archive
        }
    }

    /// <summary>An error raised while reading the archive (the data stream), not while writing the file.</summary>
    private static bool IsReadError(IOException e) => e.Data.Contains(ReadErrorKey);

    private const string ReadErrorKey = "ClassroomGuard.ArchiveRead";

    private static int WriteCore(Stream? data, string path)
    {
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        if (data is null)
        {
            output.Flush(flushToDisk: true);
            return 0;
        }

        var buffer = new byte[1 << 16];
        var count = 0;
        var state = 0; // 0: start of line (only blanks so far), 1: a name on this line (counted), 2: a comment line
        int read;
        while ((read = ReadArchive(data, buffer)) > 0)
        {
            output.Write(buffer, 0, read);
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'\n')
                {
                    state = 0;
                }
                else if (state == 0 && b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    if (b == (byte)'#')
                    {
                        state = 2;
                    }
                    else
                    {
                        state = 1;
                        count++;
                    }
                }
            }
        }

        output.Flush(flushToDisk: true); // on disk before the version is published
        return count;
    }

    /// <summary>Reads the archive's data, marking an I/O error as the archive's (not the disk's).</summary>
    private static int ReadArchive(Stream data, byte[] buffer)
    {
        try
        {
            return data.Read(buffer);
        }
        catch (IOException e)
        {
            e.Data[ReadErrorKey] = true;
            throw;
        }
    }

    /// <summary>Counts, bounds and CRC-32s the unpacked bytes, and notes how many zero bytes end them.</summary>
    private sealed class CheckingStream(Stream inner, long maxBytes) : Stream
    {
        private static readonly uint[] Table = BuildTable();
        private uint _crc = 0xFFFFFFFFu;

        public long Bytes { get; private set; }

        public long TrailingZeros { get; private set; }

        public uint Crc => ~_crc;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Bytes; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            if (read == 0)
            {
                return 0;
            }

            Bytes += read;
            if (Bytes > maxBytes)
            {
                throw new FetchRefusedException(FetchProblem.TooLarge, $"the archive unpacks to more than the {FetchText.Size(maxBytes)} allowed (Dns:Lists:MaxArchiveBytes): refused");
            }

            var crc = _crc;
            var zeros = TrailingZeros;
            foreach (var b in buffer[..read])
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
                zeros = b == 0 ? zeros + 1 : 0;
            }

            _crc = crc;
            TrailingZeros = zeros;
            return read;
        }

        /// <summary>Reads to the end (the tar padding after the end-of-archive blocks).</summary>
        public void Drain()
        {
            var buffer = new byte[1 << 16];
            while (Read(buffer) > 0)
            {
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                var c = i;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[i] = c;
            }

            return table;
        }
    }
}
