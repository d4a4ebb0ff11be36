using System.Net;
using System.Text;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Support;

/// <summary>Renders a message as presentation text through the reader, so tests compare meaning, not bytes.</summary>
internal static class DnsText
{
    public static string Dump(ReadOnlySpan<byte> message)
    {
        var reader = new DnsMessageReader(message);
        Assert.True(reader.TryReadHeader(out var header), "header");
        var text = new StringBuilder();
        text.Append("id=").Append(header.Id).Append(" flags=").Append(header.Flags.ToString("x4")).AppendLine();
        Span<byte> name = new byte[DnsName.MaxLength];
        Span<byte> other = new byte[DnsName.MaxLength];
        for (var i = 0; i < header.QuestionCount; i++)
        {
            Assert.True(reader.TryReadQuestion(name, out var q), "question");
            text.Append("Q ").Append(DnsName.ToText(q.Name)).Append(' ').Append(q.Type).Append(' ').Append(q.Class).AppendLine();
        }

        var total = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        for (var i = 0; i < total; i++)
        {
            Assert.True(reader.TryReadRecord(name, out var r), "record " + i);
            var section = i < header.AnswerCount ? "AN" : i < header.AnswerCount + header.AuthorityCount ? "NS" : "AR";
            text.Append(section).Append(' ').Append(DnsName.ToText(r.Name)).Append(' ').Append(r.Ttl).Append(' ')
                .Append(r.Class).Append(' ').Append((DnsRecordType)r.Type).Append(' ');
            switch ((DnsRecordType)r.Type)
            {
                case DnsRecordType.A:
                case DnsRecordType.AAAA:
                    text.Append(new IPAddress(r.RData));
                    break;
                case DnsRecordType.NS:
                case DnsRecordType.CNAME:
                case DnsRecordType.PTR:
                    Assert.True(DnsRData.TryReadName(message, r, other, out var len));
                    text.Append(DnsName.ToText(other[..len]));
                    break;
                case DnsRecordType.MX:
                    Assert.True(DnsRData.TryReadMx(message, r, other, out var pref, out var mlen));
                    text.Append(pref).Append(' ').Append(DnsName.ToText(other[..mlen]));
                    break;
                case DnsRecordType.SOA:
                    Span<byte> rname = new byte[DnsName.MaxLength];
                    Assert.True(DnsRData.TryReadSoa(message, r, other, rname, out var ml, out var rl, out var timers));
                    text.Append(DnsName.ToText(other[..ml])).Append(' ').Append(DnsName.ToText(rname[..rl])).Append(' ').Append(timers);
                    break;
                default:
                    text.Append(Convert.ToHexString(r.RData));
                    break;
            }

            text.AppendLine();
        }

        Assert.Equal(message.Length, reader.Position);
        return text.ToString();
    }

    /// <summary>Whether the reader reads the header, every question and every record of every section.</summary>
    public static bool ReadAll(ReadOnlySpan<byte> message)
    {
        var reader = new DnsMessageReader(message);
        if (!reader.TryReadHeader(out var header))
        {
            return false;
        }

        Span<byte> name = new byte[255];
        for (var i = 0; i < header.QuestionCount; i++)
        {
            if (!reader.TryReadQuestion(name, out _))
            {
                return false;
            }
        }

        for (var i = 0; i < header.AnswerCount + header.AuthorityCount + header.AdditionalCount; i++)
        {
            if (!reader.TryReadRecord(name, out _))
            {
                return false;
            }
        }

        return true;
    }
}
