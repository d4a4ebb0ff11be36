using System.Buffers;

namespace ClassroomGuard.Agent.Hub;

/// <summary>
/// Splits the received byte stream into hub protocol records at each 0x1E. Bytes after the last separator are kept
/// until the rest of the record arrives in a later transport message. A record longer than the limit is a protocol
/// error: the server never sends the agent anything large, so a huge record means a broken or hostile peer.
/// </summary>
public sealed class HubRecordReader(int maxRecordBytes)
{
    private readonly ArrayBufferWriter<byte> pending = new(1024);
    private int consumed;

    /// <summary>Bytes received that do not yet form a complete record.</summary>
    public int PendingBytes => pending.WrittenCount - consumed;

    /// <summary>Appends bytes as received.</summary>
    /// <exception cref="HubProtocolException">An unfinished record exceeds the limit.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (consumed > 0)
        {
            // Move the unfinished tail to the front before growing, so the buffer stays as small as one record.
            var tail = pending.WrittenSpan[consumed..].ToArray();
            pending.Clear();
            pending.Write(tail);
            consumed = 0;
        }

        pending.Write(bytes);
        var unfinished = pending.WrittenSpan.LastIndexOf(HubProtocol.RecordSeparator) is var last and >= 0 ? pending.WrittenCount - last - 1 : pending.WrittenCount;
        if (unfinished > maxRecordBytes)
        {
            throw new HubProtocolException($"A hub message exceeds {maxRecordBytes} bytes.");
        }
    }

    /// <summary>The next complete record (without its separator), valid until the next <see cref="Append"/>; false when none is complete yet.</summary>
    /// <exception cref="HubProtocolException">A complete record exceeds the limit.</exception>
    public bool TryRead(out ReadOnlySpan<byte> record)
    {
        var rest = pending.WrittenSpan[consumed..];
        var end = rest.IndexOf(HubProtocol.RecordSeparator);
        if (end < 0)
        {
            record = default;
            return false;
        }

        if (end > maxRecordBytes)
        {
            throw new HubProtocolException($"A hub message exceeds {maxRecordBytes} bytes.");
        }

        record = rest[..end];
        consumed += end + 1;
        return true;
    }
}
