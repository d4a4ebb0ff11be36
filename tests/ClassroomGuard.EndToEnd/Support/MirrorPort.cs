using System.Globalization;

namespace ClassroomGuard.EndToEnd.Support;

/// <summary>
/// A stand-in for the switch's mirror port: a veth pair whose one end (<see cref="Interface"/>) stays in this machine's
/// namespace, down and without an address, for set-up to bring up and the sniffer to capture on; the other end sits in a
/// network namespace of its own holding one "pupil device" (<see cref="DeviceIp"/>, <see cref="DeviceMac"/>). The device
/// sends to <see cref="PeerIp"/> through a fixed neighbour entry to a MAC nobody has, so its frames reach the capture and
/// nothing else: this machine's kernel drops frames that are not for its own MAC, and never routes them anywhere.
/// Disposing deletes the namespace and the pair, also after a failure. Needs root.
/// </summary>
internal sealed class MirrorPort : IAsyncDisposable
{
    private MirrorPort(string id, int subnet)
    {
        Interface = id + "m";
        Namespace = id + "n";
        DeviceInterface = id + "d";
        DeviceIp = $"10.213.{subnet}.2";
        PeerIp = $"10.213.{subnet}.1";
    }

    /// <summary>The end set-up is told to capture on (CG_SNIFF_INTERFACE).</summary>
    public string Interface { get; }

    public string Namespace { get; }

    public string DeviceInterface { get; }

    public string DeviceIp { get; }

    public string DeviceMac { get; private set; } = string.Empty;

    /// <summary>An address on the device's network that nothing holds: where its traffic goes.</summary>
    public string PeerIp { get; }

    public static async Task<MirrorPort> CreateAsync()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("The set-up test needs root (a veth pair, a network namespace, services run as 'nobody'). Run the suite as root, as CI does.");
        }

        var id = "cg" + Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        var port = new MirrorPort(id, Random.Shared.Next(20, 250));
        try
        {
            await Ip("netns", "add", port.Namespace);
            await Ip("link", "add", port.Interface, "type", "veth", "peer", "name", port.DeviceInterface);
            await Ip("link", "set", port.DeviceInterface, "netns", port.Namespace);
            await Ip("-n", port.Namespace, "addr", "add", port.DeviceIp + "/24", "dev", port.DeviceInterface);
            await Ip("-n", port.Namespace, "link", "set", "lo", "up");
            await Ip("-n", port.Namespace, "link", "set", port.DeviceInterface, "up");
            await Ip("-n", port.Namespace, "neigh", "add", port.PeerIp, "lladdr", "02:00:5e:00:53:01", "dev", port.DeviceInterface);
            port.DeviceMac = (await ScriptRunner.RunProcessAsync("ip", ["netns", "exec", port.Namespace, "cat", $"/sys/class/net/{port.DeviceInterface}/address"])).Trim();
            return port;
        }
        catch
        {
            await port.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The device sends <paramref name="datagrams"/> UDP datagrams of 1,000 bytes to <see cref="PeerIp"/> port 9 (discard),
    /// 50 ms apart. Nothing answers; the frames on the wire are what the sniffer counts.
    /// </summary>
    public Task SendTrafficAsync(int datagrams) =>
        ScriptRunner.RunProcessAsync("ip", ["netns", "exec", Namespace, "bash", "-c",
            $"for i in $(seq {datagrams}); do printf '%1000s' x >/dev/udp/{PeerIp}/9; sleep 0.05; done"]);

    public async ValueTask DisposeAsync()
    {
        foreach (var arguments in new[] { new[] { "netns", "del", Namespace }, ["link", "del", Interface] })
        {
            try
            {
                await Ip(arguments);
            }
            catch (InvalidOperationException)
            {
                // Already gone (deleting the namespace takes the pair with it) or never made.
            }
        }
    }

    private static Task<string> Ip(params string[] arguments) => ScriptRunner.RunProcessAsync("ip", arguments);
}
