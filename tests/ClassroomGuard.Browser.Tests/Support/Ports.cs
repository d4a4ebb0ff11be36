using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>Free loopback ports for the servers the tests start.</summary>
public static class Ports
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (DNS serves both).</summary>
    public static int FreeUdpAndTcp()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                using var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }
    }
}
