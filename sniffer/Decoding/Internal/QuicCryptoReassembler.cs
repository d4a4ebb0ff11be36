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
/// stream is rebuilt by offset with a coverage bitmap. Memory is bounded by the same kind of
/// <see cref="ReassemblySlotPool{TKey, TState}"/> as <see cref="ClientHelloReassembler"/>.
/// </summary>
internal sealed class QuicCryptoReassembler(DecoderOptions options)
{
    private readonly ReassemblySlotPool<QuicFlowKey, CryptoProgress> _pool = new(options.MaxReassemblyFlows, options.MaxClientHelloLength, options.ReassemblyTimeout);
    private readonly int _maxLength = options.MaxClientHelloLength;

    public int PendingFlows => _pool.Count;

    public long Abandoned => _pool.Abandoned;

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
                        if (_pool.TryFind(key, out var dropped))
                        {
                            _pool.Release(dropped);
                        }

                        _pool.CountAbandoned();
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

        if (!_pool.TryFind(key, out var index))
        {
            index = _pool.Rent(key, now);
            Reset(ref _pool.State(index));
        }
        else if (_pool.IsExpired(index, now))
        {
            Reset(ref _pool.State(index)); // a stale stream of the same connection ID: start it again
        }

        _pool.Touch(index, now);
        ref var stream = ref _pool.State(index);
        var buffer = _pool.Buffer(index);
        offset = 0;
        while (offset < frames.Length)
        {
            if (NextFrame(frames, ref offset, out var cryptoOffset, out var data) == FrameKind.Crypto)
            {
                data.CopyTo(buffer.AsSpan((int)cryptoOffset));
                MarkCovered(stream.Coverage, (int)cryptoOffset, data.Length);
            }
        }

        stream.Contiguous = ContiguousFrom(stream.Coverage, stream.Contiguous, _maxLength);

        if (stream.Needed == 0 && stream.Contiguous >= 4)
        {
            var needed = 4 + ((buffer[1] << 16) | (buffer[2] << 8) | buffer[3]);
            if (buffer[0] != 1 || needed > _maxLength)
            {
                _pool.Abandon(index);
                return QuicFramesResult.Abandoned;
            }

            stream.Needed = needed;
        }

        if (stream.Needed == 0 || stream.Contiguous < stream.Needed)
        {
            return QuicFramesResult.Pending;
        }

        clientHello = buffer.AsSpan(0, stream.Needed);
        _pool.Release(index);
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

    private void Reset(ref CryptoProgress stream)
    {
        stream.Coverage ??= new ulong[(_maxLength + 63) / 64]; // once per slot, reused by every later flow in it
        Array.Clear(stream.Coverage);
        stream.Contiguous = 0;
        stream.Needed = 0;
    }

    private enum FrameKind
    {
        Other,
        Crypto,
        Malformed,
    }

    /// <summary>What of the CRYPTO stream a slot holds.</summary>
    private struct CryptoProgress
    {
        public ulong[] Coverage;
        public int Contiguous;
        public int Needed;
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
