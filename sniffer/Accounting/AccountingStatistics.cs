namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Counters of the accounting. Written by one thread each (capture or flusher); any thread may read them (64-bit reads
/// are atomic on 64-bit hosts; a reading may be a packet behind).
/// </summary>
public sealed class AccountingStatistics
{
    /// <summary>IP packets counted (at least one end local).</summary>
    public long Packets { get; internal set; }

    /// <summary>Wire bytes of those packets.</summary>
    public long Bytes { get; internal set; }

    /// <summary>IP packets with neither end local (not counted).</summary>
    public long NotLocal { get; internal set; }

    /// <summary>Non-first IP fragments: counted in bytes and packets, but carry no ports so belong to no flow.</summary>
    public long LaterFragments { get; internal set; }

    /// <summary>Flows named from their own SNI or HTTP Host.</summary>
    public long NamedFlows { get; internal set; }

    /// <summary>Flows given an inferred name (from their client's own DNS answer) when they started.</summary>
    public long InferredFlows { get; internal set; }

    /// <summary>(client, server address) pairs learnt from DNS answers.</summary>
    public long DnsAddresses { get; internal set; }

    /// <summary>
    /// DNS answers to a local client that were not used for naming because they matched no query that client was seen
    /// sending (forged, unsolicited, from another server than asked, or too late): none of them names anything.
    /// </summary>
    public long DnsAnswersRefused { get; internal set; }

    /// <summary>Unanswered DNS queries forgotten early because their part of the pending-query table was full.</summary>
    public long DnsQueriesEvicted { get; internal set; }

    /// <summary>Flows started.</summary>
    public long FlowsCreated { get; internal set; }

    /// <summary>Flows forgotten after their idle timeout.</summary>
    public long FlowsExpired { get; internal set; }

    /// <summary>Live flows evicted because the table was full.</summary>
    public long FlowsEvicted { get; internal set; }

    /// <summary>Packets counted under the overflow client because every address slot was taken.</summary>
    public long AddressOverflow { get; internal set; }

    /// <summary>Site names replaced to make room.</summary>
    public long NamesReplaced { get; internal set; }

    /// <summary>Points the writer accepted (flusher).</summary>
    public long PointsWritten { get; internal set; }

    /// <summary>Points the writer refused, its buffer full, or that could not be written (flusher).</summary>
    public long PointsDropped { get; internal set; }

    /// <summary>Seconds written (flusher).</summary>
    public long Flushes { get; internal set; }

    /// <summary>Packets counted in an earlier second than their own because the flusher was seconds behind (or a file was read faster than it writes).</summary>
    public long MergedIntoEarlierSecond { get; internal set; }
}
