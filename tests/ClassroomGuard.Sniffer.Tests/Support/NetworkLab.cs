using System.Globalization;
using System.Runtime.InteropServices;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair — a "client" (pupil device) and a "server" — with addresses
/// 10.213.N.2 and 10.213.N.1 that exist only on that veth. Every name is unique per run; disposing deletes both
/// namespaces (and with them the veth), also after a failure. Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN).
/// </summary>
internal sealed partial class NetworkLab : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private NetworkLab(string id, int subnet)
    {
        Id = id;
        Subnet = subnet;
    }

    public string Id { get; }

    public int Subnet { get; }

    public string ClientNamespace => Id + "c";

    public string ServerNamespace => Id + "s";

    public string ClientInterface => Id + "a";

    public string ServerInterface => Id + "b";

    public string ClientIp => $"10.213.{Subnet}.2";

    public string ServerIp => $"10.213.{Subnet}.1";

    public static async Task<NetworkLab> CreateAsync()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("The network-namespace tests need root (ip netns). Run the suite as root, as CI does.");
        }

        var id = "cg" + Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        var lab = new NetworkLab(id, Random.Shared.Next(20, 250));
        try
        {
            await Tool.CheckAsync("ip", "netns", "add", lab.ClientNamespace);
            await Tool.CheckAsync("ip", "netns", "add", lab.ServerNamespace);
            await Tool.CheckAsync("ip", "link", "add", lab.ClientInterface, "type", "veth", "peer", "name", lab.ServerInterface);
            await Tool.CheckAsync("ip", "link", "set", lab.ClientInterface, "netns", lab.ClientNamespace);
            await Tool.CheckAsync("ip", "link", "set", lab.ServerInterface, "netns", lab.ServerNamespace);
            await Tool.CheckAsync("ip", "-n", lab.ClientNamespace, "addr", "add", lab.ClientIp + "/24", "dev", lab.ClientInterface);
            await Tool.CheckAsync("ip", "-n", lab.ServerNamespace, "addr", "add", lab.ServerIp + "/24", "dev", lab.ServerInterface);
            foreach (var (ns, device) in new[] { (lab.ClientNamespace, lab.ClientInterface), (lab.ServerNamespace, lab.ServerInterface) })
            {
                await Tool.CheckAsync("ip", "-n", ns, "link", "set", "lo", "up");
                await Tool.CheckAsync("ip", "-n", ns, "link", "set", device, "up");

                // No segmentation offload: the capture then sees wire-sized TCP segments, as a mirror port would.
                await Tool.CheckAsync("ip", "netns", "exec", ns, "ethtool", "-K", device, "tso", "off", "gso", "off", "gro", "off");
            }

            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a tool inside the client namespace.</summary>
    public Task<Tool.Result> InClientAsync(string file, params string[] arguments) =>
        Tool.RunAsync("ip", ["netns", "exec", ClientNamespace, file, .. arguments], timeout: TimeSpan.FromSeconds(20));

    /// <summary>Runs a tool inside the client namespace, feeding it <paramref name="input"/>.</summary>
    public Task<Tool.Result> InClientWithInputAsync(string input, string file, params string[] arguments) =>
        Tool.RunAsync("ip", ["netns", "exec", ClientNamespace, file, .. arguments], input, TimeSpan.FromSeconds(20));

    /// <summary>Starts a long-running tool in a namespace.</summary>
    public static BackgroundTool StartIn(string ns, string file, params string[] arguments) =>
        new("ip", ["netns", "exec", ns, file, .. arguments]);

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that has joined namespace <paramref name="ns"/> (setns); sockets it
    /// opens stay in that namespace after the thread ends. The test process itself never leaves its own namespace.
    /// </summary>
    public static T RunInNamespace<T>(string ns, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle("/run/netns/" + ns);
                if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({ns}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw failure;
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Tool.RunAsync("ip", ["netns", "del", ClientNamespace]);
        await Tool.RunAsync("ip", ["netns", "del", ServerNamespace]);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);
}
