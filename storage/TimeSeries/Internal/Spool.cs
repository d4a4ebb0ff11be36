using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// The on-disk queue of batches InfluxDB could not take yet: one file per batch, named
/// <c>{sequence:D16}.{points}.lp</c> (or <c>.lp.gz</c> when the body is gzipped, exactly as it will be sent),
/// written to a temporary name, fsync'd, then renamed, so a crash leaves either a whole batch or none.
/// Oldest first; when full, the oldest batches are deleted to make room. Used by the writer's loop only; the
/// counters may be read from any thread.
/// </summary>
internal sealed class Spool
{
    private readonly Queue<Entry> _entries = new();
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private FileStream? _lock;
    private long _nextSequence;
    private long _bytes;
    private int _count;
    private long _points;

    public Spool(string directory, long maxBytes, ILogger logger)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _logger = logger;
    }

    public string Directory => _directory;

    public int Count => Volatile.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Points => Interlocked.Read(ref _points);

    /// <summary>The lock file that makes a spool folder one process's queue.</summary>
    public const string LockFileName = "spool.lock";

    /// <summary>
    /// Creates the folder, takes its lock and picks up batches a previous run left behind, oldest first.
    /// </summary>
    /// <exception cref="SpoolInUseException">Another writer (in this or another process) holds the folder.</exception>
    public void Load()
    {
        System.IO.Directory.CreateDirectory(_directory);
        TakeLock();
        var found = new List<Entry>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory))
        {
            var name = Path.GetFileName(path);
            if (name == LockFileName)
            {
                continue;
            }

            if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path); // a crash mid-write: the batch was never acknowledged as spooled
                continue;
            }

            var gzipped = name.EndsWith(".lp.gz", StringComparison.Ordinal);
            var parts = name.Split('.');
            if ((!gzipped && !name.EndsWith(".lp", StringComparison.Ordinal)) || parts.Length < 3
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var points))
            {
                Log.SpoolFileIgnored(_logger, path, null);
                continue;
            }

            found.Add(new Entry(sequence, points, new FileInfo(path).Length, path, gzipped));
        }

        found.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var entry in found)
        {
            Add(entry);
            _nextSequence = entry.Sequence + 1;
        }

        if (found.Count > 0)
        {
            Log.SpoolFound(_logger, found.Count, Bytes, _directory);
        }
    }

    /// <summary>Lets another writer use the folder (the writer has stopped).</summary>
    public void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    // Two writers on one folder would replay (and delete) each other's batches and remove each other's half-written
    // files at start, so the folder is locked (flock, through FileShare.None) for as long as the writer runs.
    private void TakeLock()
    {
        if (_lock is not null)
        {
            return;
        }

        try
        {
            _lock = new FileStream(Path.Combine(_directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SpoolInUseException(_directory, ex);
        }
    }

    /// <summary>
    /// Appends a batch, deleting the oldest ones while it would not fit. Returns the number of points dropped to
    /// make room (the batch itself counts when it alone exceeds the limit). Throws <see cref="IOException"/> if the
    /// disk refuses the write.
    /// </summary>
    public int Append(ReadOnlySpan<byte> payload, int points, bool gzipped)
    {
        if (payload.Length > _maxBytes)
        {
            return points;
        }

        var dropped = 0;
        while (_entries.Count > 0 && Bytes + payload.Length > _maxBytes)
        {
            var oldest = _entries.Peek();
            RemoveOldest();
            dropped += oldest.Points;
            Log.SpoolDroppedOldest(_logger, _maxBytes, oldest.Points);
        }

        var sequence = _nextSequence++;
        var name = string.Create(CultureInfo.InvariantCulture, $"{sequence:D16}.{points}.{(gzipped ? "lp.gz" : "lp")}");
        var path = Path.Combine(_directory, name);
        var temporary = path + ".tmp";
        using (var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, payload.Length))
        {
            RandomAccess.Write(handle, payload, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temporary, path);
        Add(new Entry(sequence, points, payload.Length, path, gzipped));
        return dropped;
    }

    public bool TryPeekOldest(out Entry entry) => _entries.TryPeek(out entry!);

    public static byte[] Read(Entry entry) => File.ReadAllBytes(entry.Path);

    public void RemoveOldest()
    {
        var entry = _entries.Dequeue();
        try
        {
            File.Delete(entry.Path);
        }
        catch (IOException ex)
        {
            Log.SpoolFileIgnored(_logger, entry.Path, ex);
        }

        Interlocked.Add(ref _bytes, -entry.Bytes);
        Interlocked.Add(ref _points, -entry.Points);
        Interlocked.Decrement(ref _count);
    }

    private void Add(Entry entry)
    {
        _entries.Enqueue(entry);
        Interlocked.Add(ref _bytes, entry.Bytes);
        Interlocked.Add(ref _points, entry.Points);
        Interlocked.Increment(ref _count);
    }

    internal sealed record Entry(long Sequence, int Points, long Bytes, string Path, bool Gzipped);
}

/// <summary>The spool folder is locked by another writer.</summary>
internal sealed class SpoolInUseException(string directory, IOException inner)
    : IOException($"the folder '{directory}' is in use by another writer ({inner.Message})", inner);
