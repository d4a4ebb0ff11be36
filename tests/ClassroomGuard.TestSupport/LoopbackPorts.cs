using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.TestSupport;

/// <summary>Free loopback ports for the servers the tests start (never fixed ports: tests run side by side).</summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now (it may be taken by the time it is used).</summary>
    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port on 127.0.0.1 free for both UDP and TCP right now (DNS serves both); the caller binds it soon after.</summary>
    /// <exception cref="InvalidOperationException">No such port in 20 tries.</exception>
    public static int FreeUdpAndTcp()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }

        throw new InvalidOperationException("no free loopback port");
    }
}
