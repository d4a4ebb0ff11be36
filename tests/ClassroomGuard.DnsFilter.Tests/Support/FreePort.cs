using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.DnsFilter.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port free for both UDP and TCP right now (the caller binds it soon after).</summary>
    public static int Get()
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
            }
        }

        throw new InvalidOperationException("no free loopback port");
    }

    /// <summary>A loopback UDP port nobody listens on (bound then released; ICMP port-unreachable follows a send).</summary>
    public static int Dead() => Get();
}
