using ClassroomGuard.Sniffer.Decoding.Internal;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Internal;

public sealed class ReassemblySlotPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const long TimeoutMicroseconds = 10_000_000;

    [Theory]
    [InlineData(0, 16)]
    [InlineData(-1, 16)]
    [InlineData(4, 0)]
    public void Constructor_NoRoom_Throws(int capacity, int bufferLength)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ReassemblySlotPool<int, Marks>(capacity, bufferLength, Timeout));

    [Fact]
    public void Rent_UpToCapacity_GivesEachFlowItsOwnSlotAndBuffer()
    {
        var pool = new ReassemblySlotPool<int, Marks>(4, 16, Timeout);

        var slots = Enumerable.Range(1, 4).Select(flow => pool.Rent(flow, now: flow)).ToArray();

        Assert.Equal(4, slots.Distinct().Count());
        Assert.Equal(4, slots.Select(pool.Buffer).Distinct().Count());
        Assert.All(slots, slot => Assert.Equal(16, pool.Buffer(slot).Length));
        Assert.Equal((4, 0L), (pool.Count, pool.Abandoned));
        for (var flow = 1; flow <= 4; flow++)
        {
            Assert.True(pool.TryFind(flow, out var slot));
            Assert.Equal(slots[flow - 1], slot);
        }
    }

    [Fact]
    public void TryFind_EmptyOrUnknownFlow_ReturnsFalse()
    {
        var pool = new ReassemblySlotPool<int, Marks>(2, 16, Timeout);
        Assert.False(pool.TryFind(1, out _));

        pool.Rent(1, 0);

        Assert.False(pool.TryFind(2, out _));
    }

    [Fact]
    public void Rent_PoolExhausted_EvictsTheFlowSeenLongestAgoAndCountsIt()
    {
        var pool = new ReassemblySlotPool<int, Marks>(3, 16, Timeout);
        var first = pool.Rent(1, now: 100);
        pool.Rent(2, now: 200);
        pool.Rent(3, now: 300);
        pool.Touch(first, now: 400); // flow 1 is now the most recent: flow 2 is the oldest

        var slot = pool.Rent(4, now: 500);

        Assert.False(pool.TryFind(2, out _));
        Assert.True(pool.TryFind(1, out _));
        Assert.True(pool.TryFind(4, out var found));
        Assert.Equal(slot, found);
        Assert.Equal((3, 1L), (pool.Count, pool.Abandoned));
    }

    [Fact]
    public void IsExpired_AtTheTimeoutExactly_IsNotYetExpired()
    {
        var pool = new ReassemblySlotPool<int, Marks>(1, 16, Timeout);
        var slot = pool.Rent(1, now: 1_000);

        Assert.False(pool.IsExpired(slot, 1_000 + TimeoutMicroseconds));
        Assert.True(pool.IsExpired(slot, 1_000 + TimeoutMicroseconds + 1));
        pool.Touch(slot, 1_000 + TimeoutMicroseconds);
        Assert.False(pool.IsExpired(slot, 1_000 + TimeoutMicroseconds + 1));
    }

    [Fact]
    public void Release_ThenRent_ReusesTheBufferAndStateWithTheBytesLeftInIt()
    {
        var pool = new ReassemblySlotPool<int, Marks>(1, 16, Timeout);
        var slot = pool.Rent(1, 0);
        var buffer = pool.Buffer(slot);
        buffer[0] = 0xAB;
        pool.State(slot).Seen = new int[4];
        var seen = pool.State(slot).Seen;

        pool.Release(slot);
        Assert.Equal(0xAB, pool.Buffer(slot)[0]); // a completed record stays readable until the slot is rented again
        var again = pool.Rent(2, 1);

        Assert.Equal(slot, again);
        Assert.Same(buffer, pool.Buffer(again));
        Assert.Same(seen, pool.State(again).Seen);
        Assert.Equal((1, 0L), (pool.Count, pool.Abandoned)); // a release is not an abandonment
        Assert.False(pool.TryFind(1, out _));
    }

    [Fact]
    public void AbandonAndCountAbandoned_CountEachGivenUpRecord()
    {
        var pool = new ReassemblySlotPool<int, Marks>(2, 16, Timeout);
        var slot = pool.Rent(1, 0);

        pool.Abandon(slot);
        pool.CountAbandoned();

        Assert.Equal((0, 2L), (pool.Count, pool.Abandoned));
        Assert.False(pool.TryFind(1, out _));
    }

    [Fact]
    public void Rent_HostileFloodOfNewFlows_StaysWithinCapacityAndAllocatesNothingOnceWarm()
    {
        const int Capacity = 8;
        var pool = new ReassemblySlotPool<int, Marks>(Capacity, 64, Timeout);
        for (var flow = 0; flow < Capacity; flow++)
        {
            pool.Rent(flow, flow); // warm: every slot has its buffer
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var flow = Capacity; flow < 100_000; flow++)
        {
            var slot = pool.Rent(flow, flow);
            pool.Buffer(slot)[0] = (byte)flow;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(Capacity, pool.Count);
        Assert.Equal(100_000 - Capacity, pool.Abandoned);
        for (var flow = 100_000 - Capacity; flow < 100_000; flow++)
        {
            Assert.True(pool.TryFind(flow, out _)); // the newest survive, the flood evicted the rest
        }
    }

    [Fact]
    public void Rent_FlowsSeenOutOfTimeOrder_EvictsByLastSeenNotByArrival()
    {
        var pool = new ReassemblySlotPool<int, Marks>(3, 16, Timeout);
        pool.Rent(1, now: 300);
        pool.Rent(2, now: 100); // an older packet time arrives later (capture files are not always in order)
        pool.Rent(3, now: 200);

        pool.Rent(4, now: 400);

        Assert.False(pool.TryFind(2, out _));
        Assert.True(pool.TryFind(1, out _));
        Assert.True(pool.TryFind(3, out _));
    }

    private struct Marks
    {
        public int[]? Seen;
    }
}
