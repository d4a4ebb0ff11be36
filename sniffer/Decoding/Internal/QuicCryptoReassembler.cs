using System.Buffers.Binary;
using System.Numerics;
using ClassroomGuard.Sniffer.Decoding.Application;

namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>A client's QUIC connection as seen in its Initial packets: address, port and destination connection ID.</summary>
internal readonly record struct QuicFlowKey(NetAddress Client, ushort Port, UInt128 IdHead, uint IdTail, int IdLength)
{
    public static QuicFlowKey Create(NetAddress client, ushort port, ReadOnlySpan<byte> connectionId)
    {
        Span<byte> id = stackalloc byte[QuicLongHeader.MaxConnectionIdLength];
        id.Clear();
        connectionId.CopyTo(id);
        return new QuicFlowKey(client, port, BinaryPrimitives.ReadUInt128BigEndian(id), BinaryPrimitives.ReadUInt32BigEndian(id[16..]), connectionId.Length);
    }
}

/// <summary>
/// Joins the CRYPTO stream of a client's Initial packets until it holds the whole ClientHello. Chrome sends its large
/// (post-quantum) ClientHello over two or more Initials and scatters CRYPTO frames out of order within a packet, so the
/// stream is rebuilt by offset with a coverage bitmap. Memory is bounded like <see cref="ClientHelloReassembler"/>:
/// <see cref="DecoderOptions.MaxReassemblyFlows"/> slots of <see cref="DecoderOptions.MaxClientHelloLength"/> bytes.
/// </summary>
internal sealed class QuicCryptoReassembler
{
    private readonly Dictionary<QuicFlowKey, int> _slotsByFlow;
    private readonly Slot[] _slots;
    private readonly Stack<int> _free;
    private readonly int _maxLength;
    private readonly long _timeoutMicroseconds;

    public QuicCryptoReassembler(DecoderOptions options)
    {
        _maxLength = options.MaxClientHelloLength;
        _timeoutMicroseconds = (long)options.ReassemblyTimeout.TotalMicroseconds;
        _slots = new Slot[options.MaxReassemblyFlows];
        _slotsByFlow = new Dictionary<QuicFlowKey, int>(options.MaxReassemblyFlows);
        _free = new Stack<int>(options.MaxReassemblyFlows);
        for (var i = _slots.Length - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    public int PendingFlows => _slotsByFlow.Count;

    public long Abandoned { get; private set; }

    /// <summary>
    /// Adds the frames of one decrypted Initial payload. <see cref="QuicFramesResult.Complete"/> puts the whole ClientHello
    /// handshake message in <paramref name="clientHello"/> (valid until the next call).
    /// </summary>
    public QuicFramesResult Add(in QuicFlowKey key, ReadOnlySpan<byte> frames, long now, out ReadOnlySpan<byte> clientHello)
    {
        clientHello = default;

        // Validate every frame first, so a malformed packet changes nothing.
        var offset = 0;
        var hasCrypto = false;
        while (offset < frames.Length)
        {
            switch (NextFrame(frames, ref offset, out var cryptoOffset, out var data))
            {
                case FrameKind.Malformed:
                    return QuicFramesResult.Malformed;
                case FrameKind.Crypto:
                    if (cryptoOffset + (ulong)data.Length > (ulong)_maxLength)
                    {
                        Abandoned++;
                        Drop(key);
                        return QuicFramesResult.Abandoned;
                    }

                    hasCrypto = true;
                    break;
            }
        }

        if (!hasCrypto)
        {
            return QuicFramesResult.Pending;
        }

        if (!_slotsByFlow.TryGetValue(key, out var index))
        {
            index = Allocate(key, now);
        }

        ref var slot = ref _slots[index];
        if (now - slot.LastSeen > _timeoutMicroseconds)
        {
            Reset(ref slot, key, now);
        }

        slot.LastSeen = now;
        offset = 0;
        while (offset < frames.Length)
        {
            if (NextFrame(frames, ref offset, out var cryptoOffset, out var data) == FrameKind.Crypto)
            {
                data.CopyTo(slot.Buffer.AsSpan((int)cryptoOffset));
                MarkCovered(slot.Coverage, (int)cryptoOffset, data.Length);
            }
        }

        slot.Contiguous = ContiguousFrom(slot.Coverage, slot.Contiguous, _maxLength);

        if (slot.Needed == 0 && slot.Contiguous >= 4)
        {
            var needed = 4 + ((slot.Buffer[1] << 16) | (slot.Buffer[2] << 8) | slot.Buffer[3]);
            if (slot.Buffer[0] != 1 || needed > _maxLength)
            {
                Abandoned++;
                Release(key, index);
                return QuicFramesResult.Abandoned;
            }

            slot.Needed = needed;
        }

        if (slot.Needed == 0 || slot.Contiguous < slot.Needed)
        {
            return QuicFramesResult.Pending;
        }

        clientHello = slot.Buffer.AsSpan(0, slot.Needed);
        Release(key, index);
        return QuicFramesResult.Complete;
    }

    // The frames an Initial packet may carry (RFC 9000 12.4): PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE.
    private static FrameKind NextFrame(ReadOnlySpan<byte> frames, ref int offset, out ulong cryptoOffset, out ReadOnlySpan<byte> data)
    {
        cryptoOffset = 0;
        data = default;
        var type = frames[offset++];
        switch (type)
        {
            case 0x00:
                // PADDING runs to the end of most Initials (~900 bytes): skip the run in one vectorised search.
                var next = frames[offset..].IndexOfAnyExcept((byte)0);
                offset = next < 0 ? frames.Length : offset + next;
                return FrameKind.Other;
            case 0x01:
                return FrameKind.Other;
            case 0x02 or 0x03:
                if (!QuicVarint.TryRead(frames, ref offset, out _) || !QuicVarint.TryRead(frames, ref offset, out _)
                    || !QuicVarint.TryRead(frames, ref offset, out var ranges) || !QuicVarint.TryRead(frames, ref offset, out _)
                    || ranges > (ulong)frames.Length)
                {
                    return FrameKind.Malformed;
                }

                for (ulong i = 0; i < ranges * 2 + (type == 0x03 ? 3UL : 0UL); i++)
                {
                    if (!QuicVarint.TryRead(frames, ref offset, out _))
                    {
                        return FrameKind.Malformed;
                    }
                }

                return FrameKind.Other;
            case 0x06:
                if (!QuicVarint.TryRead(frames, ref offset, out cryptoOffset) || !QuicVarint.TryRead(frames, ref offset, out var length)
                    || length > (ulong)(frames.Length - offset) || cryptoOffset > int.MaxValue)
                {
                    return FrameKind.Malformed;
                }

                data = frames.Slice(offset, (int)length);
                offset += (int)length;
                return FrameKind.Crypto;
            case 0x1C or 0x1D:
                if (!QuicVarint.TryRead(frames, ref offset, out _) || (type == 0x1C && !QuicVarint.TryRead(frames, ref offset, out _))
                    || !QuicVarint.TryRead(frames, ref offset, out var reason) || reason > (ulong)(frames.Length - offset))
                {
                    return FrameKind.Malformed;
                }

                offset += (int)reason;
                return FrameKind.Other;
            default:
                return FrameKind.Malformed;
        }
    }

    // Sets bits [start, start + length) a 64-bit word at a time.
    private static void MarkCovered(ulong[] coverage, int start, int length)
    {
        var end = start + length;
        while (start < end)
        {
            var bit = start & 63;
            var count = Math.Min(64 - bit, end - start);
            var mask = count == 64 ? ulong.MaxValue : ((1UL << count) - 1) << bit;
            coverage[start >> 6] |= mask;
            start += count;
        }
    }

    // The first byte at or after `from` not yet received (or `max`), found a word at a time.
    private static int ContiguousFrom(ulong[] coverage, int from, int max)
    {
        while (from < max)
        {
            var missing = ~coverage[from >> 6] >> (from & 63);
            if (missing != 0)
            {
                return Math.Min(max, from + BitOperations.TrailingZeroCount(missing));
            }

            from = (from | 63) + 1;
        }

        return max;
    }

    private int Allocate(in QuicFlowKey key, long now)
    {
        if (_free.Count == 0)
        {
            var oldest = -1;
            var oldestTime = long.MaxValue;
            QuicFlowKey oldestKey = default;
            foreach (var pair in _slotsByFlow)
            {
                if (_slots[pair.Value].LastSeen < oldestTime)
                {
                    oldestTime = _slots[pair.Value].LastSeen;
                    oldest = pair.Value;
                    oldestKey = pair.Key;
                }
            }

            Abandoned++;
            Release(oldestKey, oldest);
        }

        var index = _free.Pop();
        Reset(ref _slots[index], key, now);
        _slotsByFlow.Add(key, index);
        return index;
    }

    private void Reset(ref Slot slot, in QuicFlowKey key, long now)
    {
        slot.Buffer ??= new byte[_maxLength];
        slot.Coverage ??= new ulong[(_maxLength + 63) / 64];
        Array.Clear(slot.Coverage);
        slot.Contiguous = 0;
        slot.Needed = 0;
        slot.LastSeen = now;
    }

    private void Drop(in QuicFlowKey key)
    {
        if (_slotsByFlow.TryGetValue(key, out var index))
        {
            Release(key, index);
        }
    }

    private void Release(in QuicFlowKey key, int index)
    {
        _slotsByFlow.Remove(key);
        _free.Push(index);
    }

    private enum FrameKind
    {
        Other,
        Crypto,
        Malformed,
    }

    private struct Slot
    {
        public byte[] Buffer;
        public ulong[] Coverage;
        public int Contiguous;
        public int Needed;
        public long LastSeen;
    }
}

/// <summary>Outcome of <see cref="QuicCryptoReassembler.Add"/>.</summary>
internal enum QuicFramesResult
{
    Pending,
    Complete,
    Abandoned,
    Malformed,
}
