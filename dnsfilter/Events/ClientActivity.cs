using ClassroomGuard.DnsFilter.Policy;

namespace ClassroomGuard.DnsFilter.Events;

/// <summary>
/// One client's counts for one whole second of the clock (<see cref="Second"/>). Pre-sized when made, then reused
/// (a client's current bucket is reset after it is written; a spare comes back to <see cref="DnsActivity"/>'s pool):
/// recording copies the name into fixed buffers and never allocates. Guarded by its <see cref="ClientSlot"/>'s lock.
/// </summary>
internal sealed class ClientActivity
{
    public const int MaxBlocksPerSecond = 8;

    public ClientActivity(UInt128 address, int topDomains)
    {
        Address = address;
        Top = new NameCount[topDomains];
        for (var i = 0; i < Top.Length; i++)
        {
            Top[i] = new NameCount();
        }

        Blocks = new NameCount[MaxBlocksPerSecond];
        for (var i = 0; i < Blocks.Length; i++)
        {
            Blocks[i] = new NameCount();
        }
    }

    /// <summary>The client (a bucket from the pool serves whichever client takes it).</summary>
    public UInt128 Address;

    /// <summary>The clock second counted, as <see cref="DateTimeOffset.UtcTicks"/> / <see cref="TimeSpan.TicksPerSecond"/>; meaningful while <see cref="Queries"/> is not 0.</summary>
    public long Second;

    public long? DeviceId;
    public long? RoomId;
    public string? Mac;
    public string? Group;
    public long Queries;
    public long BlockedCount;
    public long Rewritten;
    public readonly long[] CategoryQueries = new long[64];
    public readonly long[] CategoryBlocked = new long[64];
    public readonly NameCount[] Top;
    public int TopUsed;
    public readonly NameCount[] Blocks;
    public int BlocksUsed;
    public long BlocksDropped;

    public void Reset()
    {
        Queries = BlockedCount = Rewritten = BlocksDropped = 0;
        Array.Clear(CategoryQueries);
        Array.Clear(CategoryBlocked);
        TopUsed = BlocksUsed = 0;
    }

    /// <summary>Space-saving top-k: a new name replaces the least counted one and inherits its count + 1.</summary>
    public void CountTop(ReadOnlySpan<byte> name, ulong hash)
    {
        if (Top.Length == 0)
        {
            return;
        }

        var min = 0;
        for (var i = 0; i < TopUsed; i++)
        {
            if (Top[i].Hash == hash && Top[i].Name.SequenceEqual(name))
            {
                Top[i].Count++;
                return;
            }

            if (Top[i].Count < Top[min].Count)
            {
                min = i;
            }
        }

        if (TopUsed < Top.Length)
        {
            Top[TopUsed++].Set(name, hash, 1);
        }
        else
        {
            Top[min].Set(name, hash, Top[min].Count + 1);
        }
    }

    public void AddBlock(ReadOnlySpan<byte> name, ulong hash, in PolicyVerdict verdict)
    {
        for (var i = 0; i < BlocksUsed; i++)
        {
            var b = Blocks[i];
            if (b.Hash == hash && b.Reason == verdict.Reason && b.Category == verdict.Category && b.Name.SequenceEqual(name))
            {
                b.Count++;
                return;
            }
        }

        if (BlocksUsed == Blocks.Length)
        {
            BlocksDropped++;
            return;
        }

        var entry = Blocks[BlocksUsed++];
        entry.Set(name, hash, 1);
        entry.Reason = verdict.Reason;
        entry.Category = verdict.Category;
        entry.MatchOffset = verdict.MatchOffset;
        entry.ActionId = verdict.ActionId;
    }

    /// <summary>A name (lower-case wire form) with a count and, for blocks, what blocked it.</summary>
    internal sealed class NameCount
    {
        private readonly byte[] _name = new byte[256];
        private int _length;

        public ulong Hash;
        public long Count;
        public BlockReason Reason;
        public int Category;
        public int MatchOffset;
        public long ActionId;

        public ReadOnlySpan<byte> Name => _name.AsSpan(0, _length);

        public void Set(ReadOnlySpan<byte> name, ulong hash, long count)
        {
            name.CopyTo(_name);
            _length = name.Length;
            Hash = hash;
            Count = count;
        }
    }
}
