using System.Net;
using System.Net.Sockets;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.State;
using static ClassroomGuard.Sniffer.Tests.Circumvention.CircumventionPackets;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>
/// The sniffer program itself, capturing live on the pupil's veth inside a test namespace, while the pupil tries every
/// way round the filter against servers in the other namespace: dig to a second resolver (dnsmasq), kdig over TLS to
/// port 853 (openssl s_server), openssl s_client with a UT1 doh name and with no name, curl to a UT1 vpn name over
/// plain HTTP (python3 http.server), and WireGuard/OpenVPN/IKE first packets sent by this test through a real UDP socket
/// from the pupil's namespace (crafted by our own code: no VPN client is run). The alerts must land in a real SQLite
/// state database with the pupil's device, kind and evidence, one per kind however often it was tried.
/// </summary>
public sealed class CircumventionLiveTests
{
    [Fact]
    public async Task Sniffer_LiveVeth_EveryKindBecomesOneAttributedAlert()
    {
        var dir = Directory.CreateTempSubdirectory("cg-circumvention-live-");
        try
        {
            await using var lab = await NetworkLab.CreateAsync();
            var net = $"10.213.{lab.Subnet}";
            string appliance = lab.ServerIp, resolver = net + ".53", dotServer = net + ".85", web = net + ".80";
            foreach (var address in new[] { resolver, dotServer, web })
            {
                await Tool.CheckAsync("ip", "-n", lab.ServerNamespace, "addr", "add", address + "/24", "dev", lab.ServerInterface);
            }

            // The pupil's laptop is already in the inventory (as device discovery would have put it).
            var mac = (await Tool.CheckAsync("ip", "netns", "exec", lab.ClientNamespace, "cat", $"/sys/class/net/{lab.ClientInterface}/address")).Trim();
            var statePath = Path.Combine(dir.FullName, "state.db");
            using var store = StateStore.Open(new StateOptions { Path = statePath });
            var deviceId = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow.AddMinutes(-1), DeviceSource.Sniffer, mac, lab.ClientIp, "pupil-laptop-07"), CancellationToken.None);

            await Tool.CheckAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", Path.Combine(dir.FullName, "key.pem"), "-out", Path.Combine(dir.FullName, "cert.pem"), "-days", "1", "-subj", "/CN=lab.example.test");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "www"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "www", "index.html"), "hello\n");

            await using var sniffer = NetworkLab.StartIn(lab.ClientNamespace, "dotnet",
                Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"),
                "--Sniffer:Interface=" + lab.ClientInterface,
                "--Sniffer:ImmediateMode=true",
                "--Sniffer:BufferSize=4194304",
                "--State:Path=" + statePath,
                "--Sniffer:Circumvention:Ut1Directory=" + CircumventionHarness.RealUt1Root,
                "--Sniffer:Circumvention:ApplianceAddresses:0=" + appliance,
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:ClassroomGuard.Sniffer=Information");
            await sniffer.WaitForAsync("Capturing on " + lab.ClientInterface, TimeSpan.FromSeconds(60));

            await using var dnsmasq = NetworkLab.StartIn(lab.ServerNamespace, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", "--listen-address=" + appliance, "--listen-address=" + resolver, "--except-interface=lo", $"--address=/#/{web}", "--user=root");
            await dnsmasq.WaitForAsync("started", TimeSpan.FromSeconds(10));
            await using var tls = NetworkLab.StartIn(lab.ServerNamespace, "openssl", "s_server", "-accept", web + ":443",
                "-cert", Path.Combine(dir.FullName, "cert.pem"), "-key", Path.Combine(dir.FullName, "key.pem"), "-www", "-quiet");
            await using var dot = NetworkLab.StartIn(lab.ServerNamespace, "openssl", "s_server", "-accept", dotServer + ":853",
                "-cert", Path.Combine(dir.FullName, "cert.pem"), "-key", Path.Combine(dir.FullName, "key.pem"), "-quiet");
            await using var http = NetworkLab.StartIn(lab.ServerNamespace, "python3", "-m", "http.server", "80", "--bind", web, "--directory", Path.Combine(dir.FullName, "www"));

            // DNS: the appliance (fine), then the other resolver three times (one alert).
            await ExpectZero(lab.InClientAsync("dig", "@" + appliance, "+tries=2", "+time=2", "fine.school.example", "A"));
            for (var i = 0; i < 3; i++)
            {
                await ExpectZero(lab.InClientAsync("dig", "@" + resolver, "+tries=2", "+time=2", $"q{i}.pupil.example", "A"));
            }

            // DNS over TLS: kdig's handshake completes; the "server" does not answer DNS, which does not matter here.
            await lab.InClientAsync("kdig", "@" + dotServer, "+tls", "+timeout=2", "+retry=0", "tls.pupil.example");

            // DoH by name (UT1 doh: dns.google) and TLS to a bare address.
            await SClientAsync(lab, web, "-servername", "dns.google");
            await SClientAsync(lab, web, "-noservername");

            // A VPN service's site over plain HTTP (UT1 vpn: nordvpn.com).
            await ExpectZero(lab.InClientAsync("curl", "-s", "--max-time", "10", "-o", "/dev/null", "--retry", "5", "--retry-connrefused", "--retry-delay", "1",
                "--resolve", $"nordvpn.com:80:{web}", "http://nordvpn.com/"));

            // Tunnels' first packets through a real socket: WireGuard twice (one alert) and its 147-byte near miss, OpenVPN, IKEv2.
            SendUdp(lab, web, 51820, WireGuardInitiation(147));
            SendUdp(lab, web, 51820, WireGuardInitiation());
            SendUdp(lab, web, 51820, WireGuardInitiation());
            SendUdp(lab, web, 1194, OpenVpnHardReset());
            SendUdp(lab, web, 500, IkeInitiation());

            string[] expected = ["other-resolver", "dot", "doh", "numeric-ip-tls", "vpn", "wireguard", "openvpn", "ipsec"];
            IReadOnlyList<Alert> alerts = [];
            for (var i = 0; i < 300 && alerts.Count < expected.Length; i++)
            {
                await Task.Delay(100);
                alerts = await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None);
            }

            await sniffer.InterruptAsync();
            alerts = await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None);

            Assert.True(alerts.Count == expected.Length, string.Join("\n", alerts.Select(a => a.Evidence)) + "\n" + sniffer.Output + sniffer.Error);
            Assert.Equal(expected.Order(StringComparer.Ordinal), alerts.Select(a => a.Category!).Order(StringComparer.Ordinal));
            Assert.All(alerts, a =>
            {
                Assert.Equal(AlertKind.Circumvention, a.Kind);
                Assert.Equal(deviceId, a.DeviceId);
                Assert.StartsWith(lab.ClientIp + " sent ", a.Evidence, StringComparison.Ordinal);
                Assert.Contains("; MAC " + mac + "; device " + deviceId, a.Evidence, StringComparison.Ordinal);
                Assert.DoesNotContain(appliance + ":53", a.Evidence, StringComparison.Ordinal);
            });

            var byKind = alerts.ToDictionary(a => a.Category!);
            Assert.Equal("q0.pupil.example", byKind["other-resolver"].Domain);
            Assert.Contains($"a DNS query (UDP) for q0.pupil.example to {resolver}:53 (UDP), a resolver other than the appliance", byKind["other-resolver"].Evidence, StringComparison.Ordinal);
            Assert.Contains($"a TCP connection request (DNS over TLS) to {dotServer}:853", byKind["dot"].Evidence, StringComparison.Ordinal);
            Assert.Equal("dns.google", byKind["doh"].Domain);
            Assert.Contains($"a TLS ClientHello for dns.google to {web}:443 (on the UT1 doh list as dns.google", byKind["doh"].Evidence, StringComparison.Ordinal);
            Assert.Contains($"a TLS ClientHello without a server name to {web}:443", byKind["numeric-ip-tls"].Evidence, StringComparison.Ordinal);
            Assert.Equal("nordvpn.com", byKind["vpn"].Domain);
            Assert.Contains($"an HTTP request for nordvpn.com to {web}:80 (on the UT1 vpn list as nordvpn.com)", byKind["vpn"].Evidence, StringComparison.Ordinal);
            Assert.Contains($"a WireGuard handshake initiation to {web}:51820 (UDP)", byKind["wireguard"].Evidence, StringComparison.Ordinal);
            Assert.Contains($"P_CONTROL_HARD_RESET_CLIENT_V2) to {web}:1194 (UDP)", byKind["openvpn"].Evidence, StringComparison.Ordinal);
            Assert.Contains($"an IKEv2 IKE_SA_INIT request to {web}:500 (UDP)", byKind["ipsec"].Evidence, StringComparison.Ordinal);

            // The repeats were held back by the rate limit, and the run says so when it stops.
            Assert.Matches(@"Circumvention statistics: detected \d+, held back by the rate limit [1-9]\d*, alerts 8 \(0 without a device\), dropped with the queue full 0, failed 0", sniffer.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void SendUdp(NetworkLab lab, string server, int port, byte[] payload) =>
        NetworkLab.RunInNamespace(lab.ClientNamespace, () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            return socket.SendTo(payload, new IPEndPoint(IPAddress.Parse(server), port));
        });

    private static async Task SClientAsync(NetworkLab lab, string server, params string[] options)
    {
        // The server may still be starting: an early refusal sends no ClientHello, so try again.
        for (var attempt = 0; ; attempt++)
        {
            var result = await lab.InClientWithInputAsync(string.Empty, "openssl", ["s_client", "-connect", server + ":443", .. options]);
            if (result.ExitCode == 0 || attempt == 20)
            {
                Assert.True(result.ExitCode == 0, result.Error);
                return;
            }

            await Task.Delay(100);
        }
    }

    private static async Task ExpectZero(Task<Tool.Result> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}{result.Output}");
    }
}
