using System.Collections.Concurrent;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using ClassroomGuard.Storage.TimeSeries.Internal;

namespace ClassroomGuard.Storage.Tests.TimeSeries.Internal;

public sealed class SpoolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cg-spooltest-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConcurrentQueue<string> _logs = new();

    private Spool NewSpool(long maxBytes = 1024 * 1024) => new(_directory, maxBytes, new RecordingLogger<InfluxWriter>(_logs));

    [Fact]
    public void Load_LeftoversFromCrash_TemporaryDeletedBatchesKeptInOrder()
    {
        var first = NewSpool();
        first.Load();
        first.Append("a x=1i 1\n"u8, 1, gzipped: false);
        first.Append("a x=2i 2\na x=3i 3\n"u8, 2, gzipped: false);
        File.WriteAllText(Path.Combine(_directory, "0000000000000002.5.lp.tmp"), "half a batch");
        File.WriteAllText(Path.Combine(_directory, "junk.txt"), "not ours");
        first.ReleaseLock(); // the crashed process's lock went with it

        var second = NewSpool();
        second.Load();

        Assert.Equal(2, second.Count);
        Assert.Equal(3, second.Points);
        Assert.True(second.TryPeekOldest(out var oldest));
        Assert.Equal("a x=1i 1\n", File.ReadAllText(oldest.Path));
        Assert.False(File.Exists(Path.Combine(_directory, "0000000000000002.5.lp.tmp")));
        Assert.Contains(_logs, l => l.Contains("junk.txt", StringComparison.Ordinal));
        second.Append("a x=4i 4\n"u8, 1, gzipped: false);
        Assert.Single(Directory.GetFiles(_directory, "0000000000000002.1.lp"));
    }

    [Fact]
    public void Append_OverLimit_DropsOldestFirst()
    {
        var spool = NewSpool(maxBytes: 100);
        spool.Load();
        var forty = new byte[40];

        Assert.Equal(0, spool.Append(forty, 1, false));
        Assert.Equal(0, spool.Append(forty, 2, false));
        Assert.Equal(1, spool.Append(forty, 3, false));
        Assert.Equal(3, spool.Append(new byte[101], 3, false)); // alone bigger than the spool: dropped itself

        Assert.Equal(2, spool.Count);
        Assert.Equal(80, spool.Bytes);
        Assert.True(spool.TryPeekOldest(out var oldest));
        Assert.Equal(2, oldest.Points);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
