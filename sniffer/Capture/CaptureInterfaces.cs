using System.Net;
using System.Net.Sockets;
using SharpPcap.LibPcap;

namespace ClassroomGuard.Sniffer.Capture;

/// <summary>One interface libpcap can capture on (<c>pcap_findalldevs</c>, through SharpPcap).</summary>
/// <param name="Name">The name to put in <c>Sniffer:Interface</c>, e.g. <c>eth1</c>.</param>
/// <param name="Description">libpcap's description; empty for most Linux network cards, set for pseudo-devices such as <c>any</c>.</param>
/// <param name="Addresses">IPv4 and IPv6 addresses with prefix length, e.g. <c>192.168.1.5/24</c> (a mirror port has none).</param>
/// <param name="IsUp">Administratively up (<c>PCAP_IF_UP</c>); a capture on a down interface fails.</param>
/// <param name="IsRunning">Has link (<c>PCAP_IF_RUNNING</c>): a cable to a live switch port.</param>
/// <param name="IsLoopback">The loopback interface (<c>PCAP_IF_LOOPBACK</c>).</param>
/// <param name="IsPseudoDevice">Not a network port (libpcap says link status does not apply: <c>any</c>, <c>nflog</c>, …) and not loopback.</param>
public sealed record CaptureInterface(
    string Name, string Description, IReadOnlyList<string> Addresses, bool IsUp, bool IsRunning, bool IsLoopback, bool IsPseudoDevice)
{
    /// <summary>
    /// One line for a technician choosing the mirror port: <c>eth1 (up, link, no address)</c>,
    /// <c>eth0 (up, link, 192.168.1.5/24 fe80::1/64)</c>, <c>any (up, link, pseudo-device, no address) — Pseudo-device …</c>.
    /// </summary>
    public string Describe()
    {
        var state = (IsUp ? "up" : "down") + (IsRunning ? ", link" : ", no link")
            + (IsLoopback ? ", loopback" : string.Empty) + (IsPseudoDevice ? ", pseudo-device" : string.Empty);
        var addresses = Addresses.Count == 0 ? "no address" : string.Join(' ', Addresses);
        var description = Description.Length == 0 ? string.Empty : " — " + Description;
        return $"{Name} ({state}, {addresses}){description}";
    }
}

/// <summary>The interfaces libpcap sees, through SharpPcap's <see cref="PcapInterface.GetAllPcapInterfaces()"/>.</summary>
public static class CaptureInterfaces
{
    // pcap/pcap.h: flags of pcap_if_t.
    private const uint Loopback = 0x1;
    private const uint Up = 0x2;
    private const uint Running = 0x4;
    private const uint ConnectionStatusMask = 0x30;
    private const uint ConnectionStatusNotApplicable = 0x30;

    /// <summary>Every interface libpcap lists, in its order (up and running ones first).</summary>
    /// <exception cref="PcapException">libpcap could not list them.</exception>
    public static IReadOnlyList<CaptureInterface> List() => [.. All().Select(Describe)];

    /// <summary>The interface named <paramref name="name"/> exactly, or null when libpcap does not list it.</summary>
    /// <exception cref="PcapException">libpcap could not list the interfaces.</exception>
    internal static PcapInterface? Find(string name) => All().FirstOrDefault(i => i.Name == name);

    private static IReadOnlyList<PcapInterface> All()
    {
        try
        {
            return PcapInterface.GetAllPcapInterfaces();
        }
        catch (SharpPcap.PcapException ex)
        {
            throw new PcapException("Cannot list the network interfaces: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            // SharpPcap refuses an interface that reports two hardware addresses.
            throw new PcapException("Cannot list the network interfaces: " + ex.Message, ex);
        }
    }

    private static CaptureInterface Describe(PcapInterface i)
    {
        var loopback = (i.Flags & Loopback) != 0;
        var addresses = new List<string>();
        foreach (var address in i.Addresses)
        {
            if (address.Addr?.ipAddress is { AddressFamily: AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 } ip)
            {
                addresses.Add(address.Netmask?.ipAddress is { } mask ? $"{ip}/{PrefixLength(mask)}" : ip.ToString());
            }
        }

        return new CaptureInterface(
            i.Name,
            i.Description ?? string.Empty,
            addresses,
            IsUp: (i.Flags & Up) != 0,
            IsRunning: (i.Flags & Running) != 0,
            IsLoopback: loopback,
            IsPseudoDevice: !loopback && (i.Flags & ConnectionStatusMask) == ConnectionStatusNotApplicable);
    }

    private static int PrefixLength(IPAddress mask)
    {
        var bits = 0;
        foreach (var b in mask.GetAddressBytes())
        {
            bits += System.Numerics.BitOperations.PopCount(b);
        }

        return bits;
    }
}
