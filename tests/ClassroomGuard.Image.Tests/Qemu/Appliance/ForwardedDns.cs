using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>The appliance's DNS filter through qemu's UDP forward on 127.0.0.1.</summary>
internal static class ForwardedDns
{
    /// <summary>dig's whole answer (status, answer section and the filter's EDE reason), for asserting and printing.</summary>
    public static async Task<string> DigAsync(int port, string name) =>
        await ProcessRunner.CheckAsync("dig", "+time=2", "+tries=2", "-p", port.ToString(CultureInfo.InvariantCulture), "@127.0.0.1", name, "A");

    /// <summary>Whether one query, given <paramref name="timeout"/> and no retry, gets any answer.</summary>
    public static async Task<bool> AnswersAsync(int port, string name, TimeSpan timeout)
    {
        var client = new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, port))
        {
            Timeout = timeout,
            Retries = 0,
            UseCache = false,
            UseTcpFallback = false,
            ThrowDnsErrors = false,
        });
        try
        {
            await client.QueryAsync(name, QueryType.A);
            return true;
        }
        catch (Exception e) when (e is DnsResponseException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until the filter answers (it starts after the console's banner), polling every second.</summary>
    public static async Task WaitUntilAnsweringAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await AnswersAsync(port, "use-application-dns.net", TimeSpan.FromSeconds(1)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the DNS filter did not answer on 127.0.0.1:{port} (the guest's port 53) within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(1000);
        }
    }
}
