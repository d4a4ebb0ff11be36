using System.Buffers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Agent.Hub;

/// <summary>
/// A minimal SignalR client: JSON hub protocol over one WebSocket, without the negotiate round-trip (the server accepts
/// a WebSocket straight at the hub path). It does the handshake, keeps the connection alive with pings, drops it when
/// the server goes quiet, delivers server-to-client invocations in order, and sends non-blocking invocations.
/// Streams and client results are not supported: an invocation that expects a result is answered with an error.
/// </summary>
public sealed class HubConnection : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebSocket socket;
    private readonly HubConnectionOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HubRecordReader records;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly byte[] receiveBuffer = new byte[4096];
    private long ignoredMessages;

    /// <summary>Wraps an open WebSocket (tests use one over a loopback socket); call <see cref="HandshakeAsync"/> next.</summary>
    public HubConnection(WebSocket socket, HubConnectionOptions options, TimeProvider time, ILogger logger)
    {
        this.socket = socket ?? throw new ArgumentNullException(nameof(socket));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.logger = logger ?? throw new ArgumentNullException(nameof(logger));
        records = new HubRecordReader(options.MaxMessageBytes);
    }

    /// <summary>Well-formed messages of types the agent does not handle, ignored as the protocol asks.</summary>
    public long IgnoredMessages => Interlocked.Read(ref ignoredMessages);

    /// <summary>
    /// Opens a WebSocket to <paramref name="hubUri"/> (<c>wss://host:port/hubs/agent</c>), presenting
    /// <paramref name="authorization"/> as the Authorization header and checking the server certificate with
    /// <paramref name="validateCertificate"/>, then does the handshake.
    /// </summary>
    public static async Task<HubConnection> ConnectAsync(
        Uri hubUri,
        string? authorization,
        RemoteCertificateValidationCallback? validateCertificate,
        HubConnectionOptions options,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hubUri);
        var socket = new ClientWebSocket();
        try
        {
            if (authorization is not null)
            {
                socket.Options.SetRequestHeader("Authorization", authorization);
            }

            socket.Options.RemoteCertificateValidationCallback = validateCertificate;
            socket.Options.KeepAliveInterval = TimeSpan.Zero; // hub pings do this job and also detect a silent server
            await socket.ConnectAsync(hubUri, cancellationToken).ConfigureAwait(false);
            var connection = new HubConnection(socket, options, time, logger);
            await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the handshake request and waits for the response (records that follow it are kept for <see cref="RunAsync"/>).</summary>
    /// <exception cref="HubProtocolException">Refused or malformed response.</exception>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendRawAsync(HubProtocol.HandshakeRequest.ToArray(), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (TryHandshake())
            {
                return;
            }

            if (!await ReceiveAsync(options.HandshakeTimeout, cancellationToken).ConfigureAwait(false))
            {
                throw new HubProtocolException("The server closed the connection during the handshake.");
            }
        }
    }

    /// <summary>
    /// Receives until the connection ends, passing each invocation to <paramref name="onInvocation"/> in arrival order.
    /// Returns the server's close message, or null when the socket closed without one.
    /// </summary>
    /// <exception cref="HubProtocolException">The server broke the protocol.</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="HubConnectionOptions.ServerTimeout"/>.</exception>
    public async Task<CloseMessage?> RunAsync(Func<InvocationMessage, CancellationToken, Task> onInvocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onInvocation);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pinger = PingAsync(stop.Token);
        try
        {
            while (true)
            {
                while (TryNext(out var message))
                {
                    switch (message)
                    {
                        case CloseMessage close:
                            return close;
                        case InvocationMessage invocation:
                            if (invocation.InvocationId is { } id)
                            {
                                await SendCompletionErrorAsync(id, cancellationToken).ConfigureAwait(false);
                            }

                            await onInvocation(invocation, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            break; // ping or completion: receiving it already reset the server timeout
                    }
                }

                if (!await ReceiveAsync(options.ServerTimeout, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pinger.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Invokes a server method without waiting for a result (non-blocking invocation: no id, no completion).</summary>
    public Task SendAsync(string target, object?[] arguments, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(256);
        HubProtocol.WriteInvocation(output, target, arguments, Json);
        return SendRawAsync(output.WrittenMemory, cancellationToken);
    }

    /// <summary>Closes the WebSocket politely (briefly) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // Already gone: nothing more to say to it.
            }
        }

        socket.Dispose();
        sendLock.Dispose();
    }

    private bool TryHandshake()
    {
        if (!records.TryRead(out var record))
        {
            return false;
        }

        HubProtocol.ReadHandshakeResponse(record);
        return true;
    }

    private bool TryNext(out HubMessage? message)
    {
        if (!records.TryRead(out var record))
        {
            message = null;
            return false;
        }

        message = HubProtocol.Parse(record, out var unknown);
        if (unknown)
        {
            Interlocked.Increment(ref ignoredMessages);
            Log.UnknownMessageIgnored(logger, (int)message.Type);
        }

        return true;
    }

    /// <summary>Receives one WebSocket message (all its frames) into the record reader; false when the socket closed.</summary>
    private async Task<bool> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(receiveBuffer.AsMemory(), deadline.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return false;
                }

                records.Append(receiveBuffer.AsSpan(0, result.Count));
            }
            while (!result.EndOfMessage);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Nothing arrived from the server for {timeout.TotalSeconds:0} s.");
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.KeepAliveInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await SendRawAsync(HubProtocol.PingRecord.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendCompletionErrorAsync(string invocationId, CancellationToken cancellationToken)
    {
        var output = new ArrayBufferWriter<byte>(128);
        HubProtocol.WriteCompletionError(output, invocationId, "The agent does not return results.");
        return SendRawAsync(output.WrittenMemory, cancellationToken);
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // A WebSocket allows one send at a time; pings, heartbeats and completions share it.
        await sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sendLock.Release();
        }
    }
}
