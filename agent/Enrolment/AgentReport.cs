using System.Net.NetworkInformation;
using System.Net.Sockets;
using ClassroomGuard.AgentContract;

namespace ClassroomGuard.Agent.Enrolment;

/// <summary>What the agent reports about its device at enrolment and in every heartbeat.</summary>
/// <param name="Hostname">The machine name.</param>
/// <param name="Macs">MAC addresses of the interfaces that are up (not loopback), lower-case, colon-separated.</param>
/// <param name="Ips">Their IPv4 and IPv6 addresses (not link-local).</param>
/// <param name="User">The user the agent runs as: the signed-in pupil, since the agent runs in the desktop session.</param>
public sealed record AgentReport(string Hostname, IReadOnlyList<string> Macs, IReadOnlyList<string> Ips, string? User)
{
    /// <summary>This report as a heartbeat (<see cref="AgentHubMethods.Heartbeat"/>).</summary>
    public AgentHeartbeat ToHeartbeat() => new(Hostname, [.. Macs], [.. Ips], User);

    /// <summary>This report as an enrolment with <paramref name="token"/>.</summary>
    public EnrolmentRequest ToEnrolment(string token) => new(token, Hostname, [.. Macs], [.. Ips], User);

    /// <summary>The report for this machine now.</summary>
    public static AgentReport Collect()
    {
        var macs = new List<string>();
        var ips = new List<string>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            var mac = nic.GetPhysicalAddress().GetAddressBytes();
            if (mac.Length == 6)
            {
                macs.Add(string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
            }

            foreach (var address in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = address.Address;
                if ((ip.AddressFamily == AddressFamily.InterNetwork || ip.AddressFamily == AddressFamily.InterNetworkV6) && !ip.IsIPv6LinkLocal)
                {
                    ips.Add(ip.ToString());
                }
            }
        }

        macs.Sort(StringComparer.Ordinal); // the first MAC identifies the device on the console: keep it stable
        return new AgentReport(Environment.MachineName, macs, ips, Environment.UserName);
    }
}
