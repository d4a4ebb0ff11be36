namespace ClassroomGuard.Dns.Protocol;

/// <summary>What the server should do with an incoming message, decided by <see cref="DnsQuery.Parse"/>.</summary>
public enum DnsQueryStatus
{
    /// <summary>A well-formed standard query for class IN: resolve it.</summary>
    Valid,
    /// <summary>Not even a readable query header (or a response sent to us): drop silently.</summary>
    Drop,
    /// <summary>Malformed after a readable header: answer FORMERR.</summary>
    FormErr,
    /// <summary>An opcode other than QUERY, or a zone transfer: answer NOTIMP.</summary>
    NotImp,
    /// <summary>A class other than IN: answer REFUSED.</summary>
    Refused,
    /// <summary>An EDNS version other than 0: answer BADVERS (RFC 6891 §6.1.3).</summary>
    BadVers,
}

/// <summary>The parts of a query the server, policy and cache need. A plain value: no references into the message.</summary>
public struct DnsQueryInfo
{
    /// <summary>The query's header.</summary>
    public DnsHeader Header;
    /// <summary>Outcome of parsing.</summary>
    public DnsQueryStatus Status;
    /// <summary>True when the question was read (name, type and class are valid).</summary>
    public bool HasQuestion;
    /// <summary>Length of the expanded question name (in the name buffer passed to <see cref="DnsQuery.Parse"/>).</summary>
    public int NameLength;
    /// <summary>QTYPE.</summary>
    public ushort Type;
    /// <summary>QCLASS.</summary>
    public ushort Class;
    /// <summary>True when the query carried an OPT record.</summary>
    public bool HasEdns;
    /// <summary>The OPT record's fields when <see cref="HasEdns"/>.</summary>
    public DnsEdnsInfo Edns;

    /// <summary>Largest UDP response the client accepts: its EDNS payload size, or 512 without EDNS (RFC 1035 §4.2.1).</summary>
    public readonly int ClientUdpLimit => HasEdns ? Edns.UdpPayloadSize : 512;

    /// <summary>The DO bit (false without EDNS).</summary>
    public readonly bool DnssecOk => HasEdns && Edns.DnssecOk;
}

/// <summary>Parses incoming queries and builds responses to them in place.</summary>
public static class DnsQuery
{
    /// <summary>
    /// Parses <paramref name="message"/> as a query. Hostile input never throws; the status says how to answer.
    /// The expanded question name is copied into <paramref name="nameBuffer"/> (at least 255 bytes).
    /// </summary>
    public static DnsQueryInfo Parse(ReadOnlySpan<byte> message, Span<byte> nameBuffer, int maxCompressionPointers = DnsName.DefaultMaxCompressionPointers)
    {
        var info = default(DnsQueryInfo);
        var reader = new DnsMessageReader(message, maxCompressionPointers);
        if (!reader.TryReadHeader(out info.Header) || info.Header.IsResponse)
        {
            info.Status = DnsQueryStatus.Drop; // answering responses would make us a reflector
            return info;
        }

        if (info.Header.OpCode != DnsOpCode.Query)
        {
            info.Status = DnsQueryStatus.NotImp;
            return info;
        }

        if (info.Header.QuestionCount != 1 || !reader.TryReadQuestion(nameBuffer, out var question))
        {
            info.Status = DnsQueryStatus.FormErr;
            return info;
        }

        info.HasQuestion = true;
        info.NameLength = question.Name.Length;
        info.Type = question.Type;
        info.Class = question.Class;

        // Answer and authority records are unusual in a query but legal; skip them, read OPT from additional.
        var records = info.Header.AnswerCount + info.Header.AuthorityCount;
        for (var i = 0; i < records + info.Header.AdditionalCount; i++)
        {
            var recordStart = reader.Position;
            if (!reader.TryReadRecord(default, out var record))
            {
                info.Status = DnsQueryStatus.FormErr;
                return info;
            }

            if (record.Type == (ushort)DnsRecordType.OPT)
            {
                // Only one OPT, only in additional, owned by the root (RFC 6891 §6.1.1).
                if (info.HasEdns || i < records || message[recordStart] != 0)
                {
                    info.Status = DnsQueryStatus.FormErr;
                    return info;
                }

                info.HasEdns = true;
                info.Edns = DnsEdnsInfo.FromRecord(record);
            }
        }

        if (info.HasEdns && info.Edns.Version != 0)
        {
            info.Status = DnsQueryStatus.BadVers;
        }
        else if (info.Type is (ushort)DnsRecordType.OPT)
        {
            info.Status = DnsQueryStatus.FormErr;
        }
        else if (info.Type is (ushort)DnsRecordType.AXFR or (ushort)DnsRecordType.IXFR)
        {
            info.Status = DnsQueryStatus.NotImp;
        }
        else if (info.Class != (ushort)DnsClass.IN)
        {
            info.Status = DnsQueryStatus.Refused;
        }
        else
        {
            info.Status = DnsQueryStatus.Valid;
        }

        return info;
    }

    /// <summary>
    /// Starts a response to <paramref name="query"/> in <paramref name="buffer"/>: ID, opcode, RD and CD copied,
    /// QR and RA set, RCODE set, the question copied (when it was readable). Add records, then call
    /// <see cref="TryFinishResponse"/>.
    /// </summary>
    public static DnsMessageWriter BeginResponse(Span<byte> buffer, in DnsQueryInfo query, ReadOnlySpan<byte> name, DnsResponseCode responseCode)
    {
        var writer = new DnsMessageWriter(buffer)
        {
            Id = query.Header.Id,
            Flags = DnsHeader.MakeFlags(
                true,
                query.Header.OpCode,
                (ushort)(DnsHeader.FlagRecursionAvailable
                    | (query.Header.Flags & (DnsHeader.FlagRecursionDesired | DnsHeader.FlagCheckingDisabled))),
                (DnsResponseCode)((int)responseCode & 0xF)),
        };
        if (query.HasQuestion)
        {
            writer.TryWriteQuestion(name, query.Type, query.Class);
        }

        return writer;
    }

    /// <summary>Adds our OPT record when the query had one (with the extended RCODE bits), then writes the header.</summary>
    /// <returns>The response length, or 0 if it did not fit.</returns>
    public static int TryFinishResponse(ref DnsMessageWriter writer, in DnsQueryInfo query, DnsResponseCode responseCode, ushort udpPayloadSize)
    {
        if ((query.HasEdns || responseCode > (DnsResponseCode)15)
            && !writer.TryWriteOpt(udpPayloadSize, query.DnssecOk, (byte)((int)responseCode >> 4)))
        {
            return 0;
        }

        return writer.Complete() ? writer.Position : 0;
    }

    /// <summary>Writes a complete error response (FORMERR, NOTIMP, REFUSED, SERVFAIL, BADVERS …). Returns its length.</summary>
    public static int WriteError(Span<byte> buffer, in DnsQueryInfo query, ReadOnlySpan<byte> name, DnsResponseCode responseCode, ushort udpPayloadSize)
    {
        var writer = BeginResponse(buffer, query, name, responseCode);
        return TryFinishResponse(ref writer, query, responseCode, udpPayloadSize);
    }

    /// <summary>
    /// Makes a response fit <paramref name="maxSize"/> (RFC 1035 §4.2.1, RFC 6891 §7): if it is larger, keeps the
    /// header and question, drops answer and authority, keeps the OPT record if present, and sets TC.
    /// </summary>
    /// <returns>The new length (unchanged if it fitted), or 0 if the message could not be read.</returns>
    public static int Truncate(Span<byte> message, int length, int maxSize)
    {
        if (length <= maxSize)
        {
            return length;
        }

        var reader = new DnsMessageReader(message[..length]);
        if (!reader.TryReadHeader(out var header))
        {
            return 0;
        }

        for (var i = 0; i < header.QuestionCount; i++)
        {
            if (!reader.TryReadQuestion(default, out _))
            {
                return 0;
            }
        }

        var questionEnd = reader.Position;
        int optStart = -1, optEnd = -1;
        var total = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        for (var i = 0; i < total; i++)
        {
            var start = reader.Position;
            if (!reader.TryReadRecord(default, out var record))
            {
                break;
            }

            if (record.Type == (ushort)DnsRecordType.OPT)
            {
                optStart = start;
                optEnd = reader.Position;
            }
        }

        var newLength = questionEnd;
        ushort additional = 0;
        if (optStart >= 0 && questionEnd + (optEnd - optStart) <= maxSize)
        {
            message[optStart..optEnd].CopyTo(message[questionEnd..]);
            newLength += optEnd - optStart;
            additional = 1;
        }

        if (newLength > maxSize)
        {
            // Even the question does not fit (cannot happen with maxSize >= 512); answer header only.
            newLength = DnsHeader.Size;
            header = header with { QuestionCount = 0 };
            additional = 0;
        }

        (header with
        {
            Flags = (ushort)(header.Flags | DnsHeader.FlagTruncated),
            AnswerCount = 0,
            AuthorityCount = 0,
            AdditionalCount = additional,
        }).TryWrite(message);
        return newLength;
    }
}
