using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// Makes one real capture for the whole collection: in a fresh pair of namespaces, a pupil device gets a lease from
/// dnsmasq with dhclient (host name <see cref="DhcpHostName"/>), resolves names with dig (UDP and TCP), opens TLS
/// connections with openssl s_client and curl under chosen SNI names (one ClientHello large enough to span several TCP
/// segments), and fetches a page over plain HTTP, while tcpdump writes the pcap. Then the namespaces are gone and the file
/// is decoded by us and by tshark.
/// </summary>
public sealed class LabCaptureFixture : IAsyncLifetime
{
    public const string DhcpHostName = "pupil-laptop-07";

    public static readonly string[] SniNames = ["sclient.example.test", "second.example.test", "curl.example.test", "big.example.test"];

    public static readonly string[] DnsNames = ["www.school.example.test", "tcp.school.example.test", "v6.school.example.test"];

    private DirectoryInfo? _directory;

    public string PcapPath => Path.Combine(_directory!.FullName, "lab.pcap");

    public string Directory => _directory!.FullName;

    public string ClientIp { get; private set; } = string.Empty;

    internal RecordingSink Ours { get; } = new();

    public DecoderStatistics OurStatistics { get; private set; } = new();

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("cg-sniffer-lab-");
        var dir = _directory.FullName;
        await using (var lab = await NetworkLab.CreateAsync())
        {
            ClientIp = lab.ClientIp;
            await Tool.CheckAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", Path.Combine(dir, "key.pem"), "-out", Path.Combine(dir, "cert.pem"), "-days", "1", "-subj", "/CN=lab.example.test");
            await File.WriteAllTextAsync(Path.Combine(dir, "dhclient.conf"), $"send host-name \"{DhcpHostName}\";\n");
            System.IO.Directory.CreateDirectory(Path.Combine(dir, "www"));
            await File.WriteAllTextAsync(Path.Combine(dir, "www", "index.html"), "hello\n");

            await using var tcpdump = NetworkLab.StartIn(lab.ClientNamespace, "tcpdump", "-i", lab.ClientInterface, "-w", PcapPath, "-U", "-s", "0", "--immediate-mode", "-Z", "root");
            await tcpdump.WaitForAsync("listening on", TimeSpan.FromSeconds(10));
            await using var dnsmasq = NetworkLab.StartIn(lab.ServerNamespace, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", "--interface=" + lab.ServerInterface, "--except-interface=lo", $"--address=/#/{lab.ServerIp}",
                $"--dhcp-range=10.213.{lab.Subnet}.50,10.213.{lab.Subnet}.99,255.255.255.0,1h", "--dhcp-leasefile=" + Path.Combine(dir, "dnsmasq.leases"), "--user=root");
            await dnsmasq.WaitForAsync("DHCP, sockets bound", TimeSpan.FromSeconds(10));
            await using var tls = NetworkLab.StartIn(lab.ServerNamespace, "openssl", "s_server", "-accept", lab.ServerIp + ":443",
                "-cert", Path.Combine(dir, "cert.pem"), "-key", Path.Combine(dir, "key.pem"), "-www", "-quiet");
            await using var http = NetworkLab.StartIn(lab.ServerNamespace, "python3", "-m", "http.server", "80", "--bind", lab.ServerIp, "--directory", Path.Combine(dir, "www"));

            // A real DHCP exchange (DISCOVER, OFFER, REQUEST, ACK); -sf /bin/true: the lease is not applied to the namespace.
            await using (var dhclient = NetworkLab.StartIn(lab.ClientNamespace, "dhclient", "-4", "-d", "-v", "-sf", "/bin/true",
                "-cf", Path.Combine(dir, "dhclient.conf"), "-lf", Path.Combine(dir, "dhclient.leases"), "-pf", Path.Combine(dir, "dhclient.pid"), lab.ClientInterface))
            {
                await dhclient.WaitForAsync("bound to", TimeSpan.FromSeconds(20));
            }

            await Check(lab.InClientAsync("dig", "@" + lab.ServerIp, "+tries=2", "+time=2", DnsNames[0], "A"));
            await Check(lab.InClientAsync("dig", "@" + lab.ServerIp, "+tcp", "+tries=2", "+time=2", DnsNames[1], "A"));
            await Check(lab.InClientAsync("dig", "@" + lab.ServerIp, "+tries=2", "+time=2", DnsNames[2], "AAAA"));

            await SClientAsync(lab, SniNames[0], "h2,http/1.1");
            await SClientAsync(lab, SniNames[1], "http/1.1");
            await Check(lab.InClientAsync("curl", "-sk", "--max-time", "10", "-o", "/dev/null", "--resolve", $"{SniNames[2]}:443:{lab.ServerIp}", $"https://{SniNames[2]}/"));

            // About 2.5 KB of ALPN names: the ClientHello spans two TCP segments (no offload on the veth).
            var alpn = string.Join(",", Enumerable.Range(1, 12).Select(i => $"proto-{i:00}-" + new string('x', 190)));
            await SClientAsync(lab, SniNames[3], alpn);

            await Check(lab.InClientAsync("curl", "-s", "--max-time", "10", "-o", "/dev/null", "--retry", "5", "--retry-connrefused", "--retry-delay", "1",
                "--resolve", $"plain.example.test:80:{lab.ServerIp}", "http://plain.example.test/"));

            await Task.Delay(300);
            await tcpdump.InterruptAsync();
        }

        using var capture = PacketCapture.OpenFile(PcapPath);
        var decoder = new PacketDecoder(Ours);
        decoder.DecodeAll(capture, CancellationToken.None);
        OurStatistics = decoder.Statistics;
    }

    public Task DisposeAsync()
    {
        _directory?.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs tshark over the capture with a display filter and returns the tab-separated rows of the fields.</summary>
    public async Task<List<string[]>> TsharkAsync(string filter, params string[] fields)
    {
        var arguments = new List<string> { "-r", PcapPath, "-Y", filter, "-T", "fields", "-E", "separator=/t" };
        foreach (var field in fields)
        {
            arguments.Add("-e");
            arguments.Add(field);
        }

        var output = await Tool.CheckAsync("tshark", [.. arguments]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
    }

    private static async Task SClientAsync(NetworkLab lab, string serverName, string alpn)
    {
        // The server may still be starting: try a few times (an early refusal sends no ClientHello).
        for (var attempt = 0; ; attempt++)
        {
            var result = await lab.InClientWithInputAsync(string.Empty, "openssl", "s_client", "-connect", lab.ServerIp + ":443", "-servername", serverName, "-alpn", alpn);
            if (result.ExitCode == 0)
            {
                return;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException($"openssl s_client {serverName} failed: {result.Error}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task Check(Task<Tool.Result> run)
    {
        var result = await run;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"exit {result.ExitCode}: {result.Error}{result.Output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LabCaptureCollection : ICollectionFixture<LabCaptureFixture>
{
    public const string Name = "lab capture";
}
