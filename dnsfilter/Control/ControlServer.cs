using System.Net.Sockets;
using System.Text;
using ClassroomGuard.Storage.Control;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Control;

/// <summary>
/// The DNS filter's control socket (<see cref="DnsFilterControl"/>): a Unix domain socket, owner-only (0600: the console
/// runs as the same service user), one request per connection. A request longer than
/// <see cref="DnsFilterControl.MaxRequestBytes"/>, slower than <see cref="RequestTimeout"/>, or not a well-formed request
/// gets an error reply and is counted in <see cref="Refused"/>; at most <see cref="MaxConnections"/> are served at once
/// (more wait in the listen backlog). Nothing here can stop the filter answering DNS: a socket that cannot be made is
/// logged and the filter runs without it.
/// </summary>
public sealed class ControlServer : BackgroundService
{
    /// <summary>Connections served at once.</summary>
    public const int MaxConnections = 4;

    /// <summary>All of a request must arrive within this.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private readonly PolicyExplainer _explainer;
    private readonly ILogger<ControlServer> _logger;
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private long _served;
    private long _refused;
    private Socket? _listener;

    /// <summary>Creates the server for the socket <see cref="DnsFilterControl.SocketPathOf"/> names.</summary>
    public ControlServer(PolicyExplainer explainer, IConfiguration configuration, ILogger<ControlServer> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _explainer = explainer;
        _logger = logger;
        SocketPath = DnsFilterControl.SocketPathOf(configuration);
    }

    /// <summary>The socket's path (null: no control channel).</summary>
    public string? SocketPath { get; }

    /// <summary>True once the socket is listening.</summary>
    public bool Listening => _listener is not null;

    /// <summary>Requests answered.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Requests refused: malformed, too large, too slow.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = Bind();
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        await base.StopAsync(cancellationToken);
        if (_listener is not null && SocketPath is not null)
        {
            TryDelete(SocketPath);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _listener?.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener;
        if (listener is null)
        {
            return;
        }

        var connections = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _slots.WaitAsync(stoppingToken);
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(stoppingToken);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(client, stoppingToken));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stoppingToken.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            Log.ControlFailed(_logger, SocketPath!, e);
        }

        await Task.WhenAll(connections);
    }

    private Socket? Bind()
    {
        var path = SocketPath;
        if (path is null)
        {
            Log.ControlOff(_logger);
            return null;
        }

        if (Encoding.UTF8.GetByteCount(path) > DnsFilterControl.MaxSocketPathBytes)
        {
            Log.ControlPathTooLong(_logger, path, DnsFilterControl.MaxSocketPathBytes);
            return null;
        }

        Socket? socket = null;
        try
        {
            if (!RemoveStale(path))
            {
                return null;
            }

            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // 0600: only the service user
            }

            socket.Listen(16);
            Log.ControlListening(_logger, path);
            return socket;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket?.Dispose();
            Log.ControlFailed(_logger, path, e);
            return null;
        }
    }

    /// <summary>
    /// A socket file left by a filter that stopped without removing it is deleted; one a running filter answers on is
    /// left alone (false), and so is anything that is not an empty file (a wrong setting must never delete data).
    /// </summary>
    private bool RemoveStale(string path)
    {
        if (Directory.Exists(path) || (File.Exists(path) && new FileInfo(path).Length > 0))
        {
            Log.ControlPathTaken(_logger, path);
            return false;
        }

        if (!File.Exists(path))
        {
            return true;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                Log.ControlInUse(_logger, path);
                return false;
            }
            catch (SocketException)
            {
                // nobody listens: stale
            }
        }

        File.Delete(path);
        return true;
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        try
        {
            using (client)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(RequestTimeout);
                ControlReply reply;
                try
                {
                    reply = await ReadAndAnswerAsync(client, timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    reply = Refuse("The request did not arrive within " + RequestTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " s.");
                }

                using var send = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                send.CancelAfter(RequestTimeout);
                await client.SendAsync(DnsFilterControl.Encode(reply), SocketFlags.None, send.Token);
                client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or would not read its reply: nothing to answer.
        }
        catch (Exception e)
        {
            Log.ControlRequestFailed(_logger, e); // never let one request take the filter down
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<ControlReply> ReadAndAnswerAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[DnsFilterControl.MaxRequestBytes + 1];
        var length = 0;
        while (true)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break; // the client closed its sending side: the request is complete
            }

            var newline = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (newline >= 0)
            {
                length = newline;
                break;
            }

            if (length > DnsFilterControl.MaxRequestBytes)
            {
                return Refuse($"The request is longer than {DnsFilterControl.MaxRequestBytes} bytes.");
            }
        }

        var request = DnsFilterControl.DecodeRequest(buffer.AsSpan(0, length), out var problem);
        if (request is null)
        {
            return Refuse(problem ?? "The request cannot be read.");
        }

        var reply = _explainer.Answer(request);
        if (reply.Error is not null)
        {
            return Refuse(reply.Error);
        }

        Interlocked.Increment(ref _served);
        return reply;
    }

    private ControlReply Refuse(string why)
    {
        Interlocked.Increment(ref _refused);
        Log.ControlRefused(_logger, why);
        return new ControlReply(why);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
