using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace ClassroomGuard.Agent.Tests.Support;

/// <summary>Two ends of a real WebSocket over a loopback TCP connection (no HTTP upgrade): a scripted "server" for the hub client.</summary>
internal sealed class WebSocketPair : IDisposable
{
    private readonly TcpClient clientTcp;
    private readonly TcpClient serverTcp;

    private WebSocketPair(TcpClient client, TcpClient server)
    {
        clientTcp = client;
        serverTcp = server;
        Client = WebSocket.CreateFromStream(client.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        Server = WebSocket.CreateFromStream(server.GetStream(), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
    }

    public WebSocket Client { get; }

    public WebSocket Server { get; }

    public static async Task<WebSocketPair> CreateAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            return new WebSocketPair(client, await accept);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Sends <paramref name="text"/> as one WebSocket message.</summary>
    public Task ServerSendAsync(string text)
        => Server.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Receives one whole message on the server side.</summary>
    public async Task<string> ServerReceiveAsync()
    {
        var buffer = new byte[8192];
        var total = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await Server.ReceiveAsync(buffer.AsMemory(total), CancellationToken.None);
            total += result.Count;
        }
        while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        clientTcp.Dispose();
        serverTcp.Dispose();
    }
}
