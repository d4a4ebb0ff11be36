using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>
/// A real unbound (Debian package) on a free 127.0.0.1 port serving the test zone from local-data. Its own temp
/// directory, no daemon, no remote control, no root hints, no trust anchors, and every name outside the test
/// zones refused: it never contacts the Internet.
/// </summary>
public sealed class UnboundServer : IDisposable
{
    private readonly string _directory;
    private Process? _process;

    public UnboundServer()
    {
        _directory = Directory.CreateTempSubdirectory("cg-unbound-").FullName;
        Port = LoopbackPorts.FreeUdpAndTcp();
        File.WriteAllText(Path.Combine(_directory, "unbound.conf"), Config(Port, _directory));
        Start();
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Names of the many.test A records (one answer > 1232 bytes).</summary>
    public const int ManyCount = 120;

    /// <summary>SafeSearch targets and search-engine names served as local-data (name, test address).</summary>
    public static readonly (string Name, string Address)[] SafeSearchData =
    [
        ("forcesafesearch.google.com", "192.0.2.101"),
        ("restrict.youtube.com", "192.0.2.102"),
        ("restrictmoderate.youtube.com", "192.0.2.103"),
        ("strict.bing.com", "192.0.2.104"),
        ("safe.duckduckgo.com", "192.0.2.105"),
        ("www.bing.com", "192.0.2.110"),
        ("www.youtube.com", "192.0.2.111"),
    ];

    /// <summary>forcesafesearch.google.com has two A records, to show the rewrite carries every one.</summary>
    public const string GoogleSecondAddress = "192.0.2.106";

    public void Start()
    {
        var start = new ProcessStartInfo("unbound", ["-d", "-c", Path.Combine(_directory, "unbound.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("unbound did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (Answers())
            {
                return;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"unbound exited with {_process.ExitCode}; is the Debian package 'unbound' installed?");
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("unbound did not answer on port " + Port);
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private bool Answers()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 200 };
        // "a.test A IN", id 1, RD: raw bytes, so the console's tests can link this file without our DNS codec.
        byte[] query = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1];
        try
        {
            socket.SendTo(query, EndPoint);
            var buffer = new byte[512];
            return socket.Receive(buffer) > 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Config(int port, string directory)
    {
        var config = UnboundConfig.Hermetic(port, directory); // everything outside the test zones is refused
        config.AppendLine("  local-zone: \"test.\" static");
        config.AppendLine("  local-data: \"test. 3600 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\"");
        config.AppendLine("  local-data: \"a.test. 300 IN A 192.0.2.1\"");
        config.AppendLine("  local-data: \"a.test. 300 IN AAAA 2001:db8::1\"");
        config.AppendLine("  local-data: \"short.test. 5 IN A 192.0.2.5\"");
        config.AppendLine("  local-data: \"alias.test. 300 IN CNAME a.test.\"");
        config.AppendLine("  local-data: \"mail.test. 300 IN MX 10 a.test.\"");
        config.AppendLine($"  local-data: 'txt.test. 300 IN TXT \"{new string('t', 200)}\"'");
        // SafeSearch targets and the search engines' own names (loopback test addresses, never the real ones).
        foreach (var (name, address) in SafeSearchData)
        {
            config.AppendLine($"  local-zone: \"{name}.\" static");
            config.AppendLine($"  local-data: \"{name}. 300 IN A {address}\"");
        }

        config.AppendLine($"  local-data: \"forcesafesearch.google.com. 300 IN A {GoogleSecondAddress}\"");
        for (var i = 0; i < ManyCount; i++)
        {
            config.AppendLine($"  local-data: \"many.test. 300 IN A 198.51.{i / 250}.{(i % 250) + 1}\"");
        }

        config.AppendLine("remote-control:");
        config.AppendLine("  control-enable: no");
        return config.ToString();
    }
}
