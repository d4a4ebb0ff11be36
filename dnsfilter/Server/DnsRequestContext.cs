using System.Net;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>How a query reached us.</summary>
public enum DnsTransport
{
    /// <summary>UDP: responses are limited to the client's advertised size and truncated with TC.</summary>
    Udp,
    /// <summary>TCP: responses up to 65535 bytes.</summary>
    Tcp,
}

/// <summary>
/// One query being answered. Instances are reused (one per UDP worker, one per TCP query slot), so
/// handlers must not keep a reference after their <see cref="ValueTask"/> completes.
/// </summary>
public sealed class DnsRequestContext
{
    private readonly byte[] _name = new byte[DnsName.MaxLength];
    private byte[] _query;
    private int _queryLength;
    private readonly byte[] _response;
    private DnsQueryInfo _info;

    /// <summary>Creates a context with its own buffers (<paramref name="responseCapacity"/> bounds what can be written).</summary>
    public DnsRequestContext(DnsTransport transport, int queryCapacity, int responseCapacity)
    {
        Transport = transport;
        _query = new byte[queryCapacity];
        _response = new byte[responseCapacity];
    }

    internal DnsRequestContext(DnsTransport transport, byte[] query, int queryLength, byte[] response)
    {
        Transport = transport;
        _query = query;
        _queryLength = queryLength;
        _response = response;
    }

    /// <summary>UDP or TCP.</summary>
    public DnsTransport Transport { get; }

    /// <summary>The client's address in socket form (no allocation per query; use <see cref="GetClientEndPoint"/> to get an <see cref="IPEndPoint"/>).</summary>
    public SocketAddress? ClientAddress { get; internal set; }

    /// <summary>The raw query.</summary>
    public ReadOnlyMemory<byte> Query => _query.AsMemory(0, _queryLength);

    /// <summary>The parsed query (header, question type and class, EDNS).</summary>
    public ref readonly DnsQueryInfo Info => ref _info;

    /// <summary>The question name in wire form, case as the client sent it.</summary>
    public ReadOnlySpan<byte> Name => _name.AsSpan(0, _info.NameLength);

    /// <summary>The question name in wire form (as memory, for async handlers).</summary>
    public ReadOnlyMemory<byte> NameMemory => _name.AsMemory(0, _info.NameLength);

    /// <summary>Where the response is written; the handler returns its length.</summary>
    public Memory<byte> Response => _response;

    /// <summary>
    /// Largest response this client can take: its EDNS payload size capped by our limit over UDP, 65535 over TCP.
    /// Handlers may write more: the server truncates with TC.
    /// </summary>
    public int MaxResponseSize { get; internal set; }

    /// <summary>The payload size we advertise in our OPT records.</summary>
    public ushort OurUdpPayloadSize { get; internal set; }

    /// <summary>Scratch space the resolver uses for the cache key (name + type + class + flags).</summary>
    internal byte[] KeyBuffer { get; } = new byte[DnsName.MaxLength + 8];

    /// <summary>The client's endpoint as an object. Allocates: for logging and policy paths that need it, not per query.</summary>
    public IPEndPoint? GetClientEndPoint()
        => ClientAddress is null ? null
            : (IPEndPoint)new IPEndPoint(ClientAddress.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(ClientAddress);

    /// <summary>Starts a local answer: header (ID, RD, CD copied; QR, RA and <paramref name="responseCode"/> set) and the question.</summary>
    public DnsMessageWriter BeginResponse(DnsResponseCode responseCode)
        => DnsQuery.BeginResponse(_response, _info, Name, responseCode);

    /// <summary>
    /// Completes a local answer started with <see cref="BeginResponse"/>: adds our OPT record when the client used EDNS
    /// (call <see cref="DnsMessageWriter.TryWriteOpt"/> yourself first to attach an Extended DNS Error), writes the header.
    /// </summary>
    /// <returns>The response length to return from the handler, or 0 if it did not fit.</returns>
    public int FinishResponse(ref DnsMessageWriter writer, DnsResponseCode responseCode, bool optWritten = false)
    {
        if (optWritten)
        {
            return writer.Complete() ? writer.Position : 0;
        }

        return DnsQuery.TryFinishResponse(ref writer, _info, responseCode, OurUdpPayloadSize);
    }

    internal byte[] ResponseBuffer => _response;

    internal Span<byte> NameBuffer => _name;

    internal byte[] QueryBuffer => _query;

    internal void SetQueryLength(int length) => _queryLength = length;

    internal void SetQuery(byte[] buffer, int length)
    {
        _query = buffer;
        _queryLength = length;
    }

    internal void SetInfo(in DnsQueryInfo info) => _info = info;
}
