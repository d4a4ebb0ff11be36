namespace ClassroomGuard.Dns.Protocol;

/// <summary>DNS operation codes (RFC 1035 §4.1.1, RFC 1996, RFC 2136).</summary>
public enum DnsOpCode : byte
{
    /// <summary>A standard query; the only opcode this server answers.</summary>
    Query = 0,
    /// <summary>Inverse query (obsolete).</summary>
    IQuery = 1,
    /// <summary>Server status request.</summary>
    Status = 2,
    /// <summary>Zone change notification.</summary>
    Notify = 4,
    /// <summary>Dynamic update.</summary>
    Update = 5,
}

/// <summary>Response codes, including the extended ones that need an OPT record (RFC 6891).</summary>
public enum DnsResponseCode : ushort
{
    /// <summary>No error.</summary>
    NoError = 0,
    /// <summary>The query was malformed.</summary>
    FormErr = 1,
    /// <summary>The server could not answer (e.g. every upstream failed).</summary>
    ServFail = 2,
    /// <summary>The name does not exist.</summary>
    NXDomain = 3,
    /// <summary>The kind of query is not implemented.</summary>
    NotImp = 4,
    /// <summary>The server refuses to answer (policy, unsupported class).</summary>
    Refused = 5,
    /// <summary>Unsupported EDNS version (extended RCODE, needs OPT).</summary>
    BadVers = 16,
}

/// <summary>Resource record types this codec knows by name; others are carried as raw rdata.</summary>
public enum DnsRecordType : ushort
{
    /// <summary>IPv4 address.</summary>
    A = 1,
    /// <summary>Authoritative name server.</summary>
    NS = 2,
    /// <summary>Canonical name (alias).</summary>
    CNAME = 5,
    /// <summary>Start of authority.</summary>
    SOA = 6,
    /// <summary>Domain name pointer.</summary>
    PTR = 12,
    /// <summary>Mail exchange.</summary>
    MX = 15,
    /// <summary>Text strings.</summary>
    TXT = 16,
    /// <summary>IPv6 address.</summary>
    AAAA = 28,
    /// <summary>Service locator.</summary>
    SRV = 33,
    /// <summary>EDNS0 pseudo-record (RFC 6891).</summary>
    OPT = 41,
    /// <summary>Service binding (RFC 9460).</summary>
    SVCB = 64,
    /// <summary>HTTPS service binding (RFC 9460).</summary>
    HTTPS = 65,
    /// <summary>Incremental zone transfer (query type only).</summary>
    IXFR = 251,
    /// <summary>Zone transfer (query type only).</summary>
    AXFR = 252,
    /// <summary>Any type (query type only).</summary>
    ANY = 255,
}

/// <summary>DNS classes.</summary>
public enum DnsClass : ushort
{
    /// <summary>The Internet; the only class this server forwards.</summary>
    IN = 1,
    /// <summary>Chaos (e.g. version.bind queries).</summary>
    CH = 3,
    /// <summary>Hesiod.</summary>
    HS = 4,
    /// <summary>NONE (dynamic update only).</summary>
    None = 254,
    /// <summary>ANY (query class only).</summary>
    Any = 255,
}

/// <summary>The message section a record is written to.</summary>
public enum DnsSection
{
    /// <summary>Answer section.</summary>
    Answer,
    /// <summary>Authority section.</summary>
    Authority,
    /// <summary>Additional section (the OPT record lives here).</summary>
    Additional,
}

/// <summary>Extended DNS Error info codes used by ClassroomGuard (RFC 8914 §4).</summary>
public enum DnsExtendedError : ushort
{
    /// <summary>Other error.</summary>
    Other = 0,
    /// <summary>The answer is stale (served from cache after upstream failure, RFC 8767).</summary>
    StaleAnswer = 3,
    /// <summary>Blocked by the operator's policy.</summary>
    Blocked = 15,
    /// <summary>Censored (required by an external authority).</summary>
    Censored = 16,
    /// <summary>Filtered at the client's request (e.g. parental / school controls).</summary>
    Filtered = 17,
    /// <summary>Prohibited: the client is not allowed to query.</summary>
    Prohibited = 18,
    /// <summary>No upstream could be reached.</summary>
    NoReachableAuthority = 22,
    /// <summary>Network error talking to the upstream.</summary>
    NetworkError = 23,
}
