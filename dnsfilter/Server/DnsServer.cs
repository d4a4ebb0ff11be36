using System.Net;
using System.Net.Sockets;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>
/// Serves DNS on every <see cref="DnsOptions.Listen"/> endpoint over UDP and TCP. Sockets are bound in
/// <see cref="StartAsync"/>, so a busy port or a bad address stops the service at start. See <see cref="UdpListener"/>
/// and <see cref="TcpDnsListener"/> for how each transport is served and bounded.
/// </summary>
public sealed class DnsServer : IHostedService, IDisposable
{
    private readonly DnsQueryProcessor _processor;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly DnsCounters _counters;
    private readonly ILogger<DnsServer> _logger;
    private readonly List<UdpListener> _udp = [];
    private readonly List<TcpDnsListener> _tcp = [];
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the server (nothing is bound until <see cref="StartAsync"/>).</summary>
    public DnsServer(DnsQueryProcessor processor, IOptions<DnsOptions> options, TimeProvider time, DnsCounters counters, ILogger<DnsServer> logger)
    {
        _processor = processor;
        _options = options.Value;
        _time = time;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>The UDP endpoints actually bound (port 0 resolved).</summary>
    public IReadOnlyList<IPEndPoint> UdpEndPoints => _udp.ConvertAll(u => u.LocalEndPoint);

    /// <summary>The TCP endpoints actually bound.</summary>
    public IReadOnlyList<IPEndPoint> TcpEndPoints => _tcp.ConvertAll(t => t.LocalEndPoint);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var useDefault = _options.Listen.Count == 0;
        var listen = useDefault ? [DnsOptions.DefaultListen, DnsOptions.DefaultListenIPv6] : _options.Listen;
        var sockets = _options.UdpSocketsPerEndpoint > 0 ? _options.UdpSocketsPerEndpoint : Environment.ProcessorCount;
        var limit = new TcpConnectionLimit();
        try
        {
            foreach (var text in listen)
            {
                if (!DnsOptionsValidator.TryParseEndpoint(text, null, out var endpoint))
                {
                    throw new OptionsValidationException(nameof(DnsOptions), typeof(DnsOptions), [$"Dns:Listen '{text}' is not an address:port."]);
                }

                UdpListener udp;
                TcpDnsListener tcp;
                try
                {
                    (udp, tcp) = Bind(endpoint, sockets, limit);
                }
                catch (SocketException e) when (useDefault && endpoint.AddressFamily == AddressFamily.InterNetworkV6 &&
                    e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
                {
                    // A machine with IPv6 switched off has no ::1: the default still serves IPv4. A listed endpoint fails.
                    Log.DefaultIPv6Unavailable(_logger, text, e.Message);
                    continue;
                }

                _udp.Add(udp);
                _tcp.Add(tcp);
                Log.Listening(_logger, "UDP", udp.LocalEndPoint, udp.SocketCount);
                Log.Listening(_logger, "TCP", tcp.LocalEndPoint, 1);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Log.Forwarding(_logger, string.Join(", ", _options.Upstreams));
        var token = _stopping.Token;
        foreach (var udp in _udp)
        {
            _tasks.AddRange(udp.Start(token));
        }

        foreach (var tcp in _tcp)
        {
            _tasks.Add(Task.Run(() => tcp.RunAsync(token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    // Binds UDP, then TCP on the same port. With port 0 the TCP side can find the number UDP got already taken
    // (e.g. by an outgoing TCP connection), so a few fresh ports are tried.
    private (UdpListener Udp, TcpDnsListener Tcp) Bind(IPEndPoint endpoint, int sockets, TcpConnectionLimit limit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpListener(endpoint, sockets, _options.MaxUdpSize, _options.MaxConcurrentQueries, _processor, _counters, _logger);
            try
            {
                var tcp = new TcpDnsListener(new IPEndPoint(endpoint.Address, udp.LocalEndPoint.Port), limit, _processor, _options, _time, _counters, _logger);
                return (udp, tcp);
            }
            catch (System.Net.Sockets.SocketException e) when (endpoint.Port == 0 && attempt < 10 && e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                udp.Dispose();
            }
            catch
            {
                udp.Dispose();
                throw;
            }
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var udp in _udp)
        {
            udp.Dispose();
        }

        foreach (var tcp in _tcp)
        {
            tcp.Dispose();
        }

        await Task.WhenAll(_tasks).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var udp in _udp)
        {
            udp.Dispose();
        }

        foreach (var tcp in _tcp)
        {
            tcp.Dispose();
        }

        _stopping.Dispose();
    }
}
