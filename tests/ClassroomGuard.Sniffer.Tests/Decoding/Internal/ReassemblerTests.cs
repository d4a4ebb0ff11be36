using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Decoding.Internal;

namespace ClassroomGuard.Sniffer.Tests.Decoding.Internal;

/// <summary>The two reassemblers on their shared slot pool: bounds, expiry, out-of-order and oversize input.</summary>
public sealed class ReassemblerTests
{
    private static readonly DecoderOptions Options = new() { MaxReassemblyFlows = 2, MaxClientHelloLength = 64, ReassemblyTimeout = TimeSpan.FromSeconds(1) };

    private static FlowKey Tcp(ushort port) => new(NetAddress.FromIPv4(0x0A000001), NetAddress.FromIPv4(0x0A000002), port, 443);

    private static QuicFlowKey Quic(byte id) => QuicFlowKey.Create(NetAddress.FromIPv4(0x0A000001), 50000, [id, 1, 2, 3, 4, 5, 6, 7]);

    [Fact]
    public void ClientHello_InOrderSegments_CompletesAndFreesTheSlot()
    {
        var reassembler = new ClientHelloReassembler(Options);
        var record = Bytes(40);

        Assert.True(reassembler.Start(Tcp(1), 1000, record[..15], record.Length, now: 0));
        Assert.Equal(ReassemblyResult.Pending, reassembler.Add(Tcp(1), 1015, record[15..30], now: 1, out _));
        Assert.Equal(ReassemblyResult.Complete, reassembler.Add(Tcp(1), 1030, record[30..], now: 2, out var whole));

        Assert.Equal(record, whole.ToArray());
        Assert.Equal((0, 0L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void ClientHello_SegmentAfterAGap_AbandonsTheFlow()
    {
        var reassembler = new ClientHelloReassembler(Options);
        var record = Bytes(40);
        reassembler.Start(Tcp(1), 1000, record[..10], record.Length, now: 0);

        Assert.Equal(ReassemblyResult.Abandoned, reassembler.Add(Tcp(1), 1020, record[20..], now: 1, out _));
        Assert.Equal(ReassemblyResult.NotTracked, reassembler.Add(Tcp(1), 1010, record[10..20], now: 2, out _));
        Assert.Equal((0, 1L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void ClientHello_LongerThanASlot_RefusedWithoutTakingOne()
    {
        var reassembler = new ClientHelloReassembler(Options);

        Assert.False(reassembler.Start(Tcp(1), 0, Bytes(10), 65, now: 0));
        Assert.Equal((0, 1L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void ClientHello_SegmentAfterTheTimeout_AbandonsTheFlow()
    {
        var reassembler = new ClientHelloReassembler(Options);
        var record = Bytes(40);
        reassembler.Start(Tcp(1), 0, record[..10], record.Length, now: 0);

        Assert.Equal(ReassemblyResult.Abandoned, reassembler.Add(Tcp(1), 10, record[10..], now: 1_000_001, out _));
        Assert.Equal((0, 1L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void ClientHello_MoreFlowsThanSlots_EvictsTheOldest()
    {
        var reassembler = new ClientHelloReassembler(Options);
        for (ushort port = 1; port <= 5; port++)
        {
            reassembler.Start(Tcp(port), 0, Bytes(10), 40, now: port);
        }

        Assert.Equal((2, 3L), (reassembler.PendingFlows, reassembler.Abandoned));
        Assert.Equal(ReassemblyResult.NotTracked, reassembler.Add(Tcp(3), 10, Bytes(30), now: 6, out _));
        Assert.Equal(ReassemblyResult.Complete, reassembler.Add(Tcp(5), 10, Bytes(30), now: 6, out _));
    }

    [Fact]
    public void Quic_CryptoFramesOutOfOrderAcrossPackets_CompletesTheClientHello()
    {
        var reassembler = new QuicCryptoReassembler(Options);
        var hello = Hello(30);

        Assert.Equal(QuicFramesResult.Pending, reassembler.Add(Quic(1), Crypto(20, hello[20..]), now: 0, out _));
        Assert.Equal(QuicFramesResult.Complete, reassembler.Add(Quic(1), [.. Crypto(10, hello[10..20]), .. Crypto(0, hello[..10])], now: 1, out var whole));

        Assert.Equal(hello, whole.ToArray());
        Assert.Equal((0, 0L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void Quic_CryptoBeyondASlot_AbandonsAndFreesTheFlow()
    {
        var reassembler = new QuicCryptoReassembler(Options);
        var hello = Hello(30);
        reassembler.Add(Quic(1), Crypto(0, hello[..10]), now: 0, out _);

        Assert.Equal(QuicFramesResult.Abandoned, reassembler.Add(Quic(1), Crypto(60, Bytes(5)), now: 1, out _));
        Assert.Equal((0, 1L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void Quic_DeclaredLengthBeyondASlot_AbandonsTheFlow()
    {
        var reassembler = new QuicCryptoReassembler(Options);

        Assert.Equal(QuicFramesResult.Abandoned, reassembler.Add(Quic(1), Crypto(0, [1, 0, 1, 0, 9, 9]), now: 0, out _));
        Assert.Equal((0, 1L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void Quic_StaleStreamOfTheSameConnection_StartsAgain()
    {
        var reassembler = new QuicCryptoReassembler(Options);
        var hello = Hello(30);
        reassembler.Add(Quic(1), Crypto(10, Bytes(20)), now: 0, out _); // bytes that never completed

        Assert.Equal(QuicFramesResult.Pending, reassembler.Add(Quic(1), Crypto(0, hello[..10]), now: 2_000_000, out _));
        Assert.Equal(QuicFramesResult.Complete, reassembler.Add(Quic(1), Crypto(10, hello[10..]), now: 2_000_001, out var whole));
        Assert.Equal(hello, whole.ToArray());
    }

    [Fact]
    public void Quic_MoreConnectionsThanSlots_EvictsTheOldest()
    {
        var reassembler = new QuicCryptoReassembler(Options);
        for (byte id = 1; id <= 4; id++)
        {
            reassembler.Add(Quic(id), Crypto(0, Hello(30)[..10]), now: id, out _);
        }

        Assert.Equal((2, 2L), (reassembler.PendingFlows, reassembler.Abandoned));
    }

    [Fact]
    public void Both_SteadyStateWithEvictions_AllocateNothingPerPacket()
    {
        var tcp = new ClientHelloReassembler(Options);
        var quic = new QuicCryptoReassembler(Options);
        var record = Bytes(40);
        var hello = Hello(30);
        byte[] first = Crypto(0, hello[..10]), whole = [.. Crypto(10, hello[10..]), .. first];
        var keys = new[] { Quic(1), Quic(2), Quic(3) };
        var completing = Quic(9);
        var completed = 0;
        void Round(int i)
        {
            var port = (ushort)(i % 3 + 1); // three flows in two slots: every round evicts one of each kind
            tcp.Start(Tcp(port), 0, record.AsSpan(0, 15), record.Length, now: i);
            tcp.Add(Tcp(port), 15, record.AsSpan(15), now: i, out _);
            tcp.Start(Tcp((ushort)(port + 10)), 0, record.AsSpan(0, 15), record.Length, now: i);
            quic.Add(keys[i % 3], first, now: i, out _); // never completed: evicted two rounds later
            completed += quic.Add(completing, whole, now: i, out _) == QuicFramesResult.Complete ? 1 : 0;
        }

        for (var i = 0; i < 10; i++)
        {
            Round(i); // first use of each slot allocates its buffer, once
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10; i < 10_010; i++)
        {
            Round(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_010, completed);
        Assert.True(tcp.Abandoned > 10_000 && quic.Abandoned > 5_000, $"{tcp.Abandoned} {quic.Abandoned}"); // evictions did happen
    }

    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1))];

    /// <summary>A ClientHello handshake message (type 1, 24-bit length) of <paramref name="length"/> bytes in all.</summary>
    private static byte[] Hello(int length) => [1, 0, 0, (byte)(length - 4), .. Bytes(length - 4)];

    /// <summary>A CRYPTO frame (type 6, offset and length as one-byte varints).</summary>
    private static byte[] Crypto(int offset, byte[] data) => [6, (byte)offset, (byte)data.Length, .. data];
}
