using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Upstream;

/// <summary>Why an upstream datagram was not accepted.</summary>
public enum UpstreamResponseCheck
{
    /// <summary>It answers our query.</summary>
    Match,
    /// <summary>Readable, but the ID, flags or question do not match ours (spoofing or a late answer): drop and keep waiting.</summary>
    Mismatch,
    /// <summary>Not a well-formed DNS response.</summary>
    Malformed,
}

/// <summary>Checks upstream responses against the query we sent (RFC 5452 §9.1: ID and question must match).</summary>
public static class UpstreamResponseValidator
{
    /// <summary>
    /// Accepts <paramref name="response"/> only if it is a response with our <paramref name="id"/>, opcode QUERY,
    /// exactly our question (name case-insensitively, type, class; written uncompressed at offset 12), every
    /// record readable, and an OPT record — if any — last.
    /// </summary>
    public static UpstreamResponseCheck Check(ReadOnlySpan<byte> response, ushort id, ReadOnlySpan<byte> name, ushort type, ushort @class)
    {
        var reader = new DnsMessageReader(response);
        if (!reader.TryReadHeader(out var header))
        {
            return UpstreamResponseCheck.Malformed;
        }

        if (!header.IsResponse || header.Id != id || header.OpCode != DnsOpCode.Query || header.QuestionCount != 1)
        {
            return UpstreamResponseCheck.Mismatch;
        }

        Span<byte> questionName = stackalloc byte[DnsName.MaxLength];
        if (!DnsName.TryRead(response, DnsHeader.Size, questionName, DnsName.DefaultMaxCompressionPointers, out var nameLength, out var consumed)
            || consumed != nameLength || response.Length < DnsHeader.Size + consumed + 4)
        {
            return UpstreamResponseCheck.Malformed;
        }

        var q = response[(DnsHeader.Size + consumed)..];
        if (!DnsName.EqualsIgnoreCase(questionName[..nameLength], name)
            || ((q[0] << 8) | q[1]) != type || ((q[2] << 8) | q[3]) != @class)
        {
            return UpstreamResponseCheck.Mismatch;
        }

        if (!reader.TryReadQuestion(default, out _))
        {
            return UpstreamResponseCheck.Malformed;
        }

        var total = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        for (var i = 0; i < total; i++)
        {
            if (!reader.TryReadRecord(default, out var record)
                || (record.Type == (ushort)DnsRecordType.OPT && i != total - 1))
            {
                return UpstreamResponseCheck.Malformed;
            }
        }

        return UpstreamResponseCheck.Match;
    }
}
