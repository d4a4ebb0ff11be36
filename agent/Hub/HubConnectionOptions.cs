namespace ClassroomGuard.Agent.Hub;

/// <summary>Timing and limits of one hub connection. The defaults match ASP.NET Core SignalR's own client and server.</summary>
public sealed class HubConnectionOptions
{
    /// <summary>How often the agent pings the server while idle. Default 15 s (the server's ClientTimeoutInterval is 30 s).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The connection is dropped (and the agent reconnects) when nothing at all arrives for this long. Default 30 s,
    /// twice the server's 15 s keep-alive, so one lost ping is tolerated.
    /// </summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The server must answer the handshake within this time. Default 15 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Largest hub message accepted. Default 64 KiB. Security: the console sends only small commands, so anything
    /// bigger is refused (the connection is dropped) instead of buffered.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;
}
