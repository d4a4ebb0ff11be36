using ClassroomGuard.DnsFilter.Internal;

namespace ClassroomGuard.DnsFilter.Tests.Internal;

public sealed class KernelRandomTests
{
    [Fact]
    public void NextUInt16_ManyDraws_SpreadOverTheRange()
    {
        var seen = new HashSet<ushort>();
        var high = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var value = KernelRandom.NextUInt16();
            seen.Add(value);
            high += value >= 0x8000 ? 1 : 0;
        }

        // 20,000 draws from 65,536 values: ~17,000 distinct expected; half in the upper half.
        Assert.InRange(seen.Count, 15_000, 20_000);
        Assert.InRange(high, 9_000, 11_000);
    }

    [Fact]
    public async Task NextUInt16_ConcurrentThreads_DoNotRepeatEachOther()
    {
        var draws = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 1000).Select(_ => KernelRandom.NextUInt16()).ToArray())));

        // Per-thread buffers from independent reads: four threads must not hand out the same sequence.
        Assert.Equal(4, draws.Select(d => Convert.ToHexString(d.SelectMany(BitConverter.GetBytes).ToArray())).Distinct().Count());
    }
}
