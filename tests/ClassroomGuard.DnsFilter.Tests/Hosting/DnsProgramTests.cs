using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Tests.Support;

namespace ClassroomGuard.DnsFilter.Tests.Hosting;

/// <summary>The DNS filter program itself: its default listen endpoints and its start-up failures.</summary>
[SupportedOSPlatform("linux")]
public sealed class DnsProgramTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.DnsFilter.dll");

    [Fact]
    public async Task DefaultListen_AnswersOverIPv4AndIPv6Loopback()
    {
        // The default's port is fixed (5353, also mDNS's): the program runs in a network namespace of its own, where
        // nothing else can hold it. The upstream is a closed port, so the filter answers SERVFAIL: an answer is enough.
        var output = new StringBuilder();
        var info = new ProcessStartInfo("unshare", ["--net", "--", "sh", "-c", "ip link set lo up && exec dotnet \"$0\" \"$@\"", Dll,
            "--Dns:Upstreams:0=127.0.0.1:9", "--Dns:UdpSocketsPerEndpoint=1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Text(output).Contains("DNS forwarding to", StringComparison.Ordinal))
            {
                Assert.False(process.HasExited || DateTime.UtcNow > deadline, "the DNS filter did not start: " + Text(output));
                await Task.Delay(100);
            }

            var log = Text(output);
            Assert.Contains($"DNS listening on UDP {DnsOptions.DefaultListen}", log, StringComparison.Ordinal);
            Assert.Contains($"DNS listening on UDP {DnsOptions.DefaultListenIPv6}", log, StringComparison.Ordinal);
            Assert.Contains($"DNS listening on TCP {DnsOptions.DefaultListenIPv6}", log, StringComparison.Ordinal);
            var inNamespace = (string[])["--net=/proc/" + process.Id.ToString(CultureInfo.InvariantCulture) + "/ns/net", "--", "dig", "-p", "5353", "+tries=1", "+time=5"];
            foreach (var server in new[] { "127.0.0.1", "::1" })
            {
                foreach (var transport in new[] { "+notcp", "+tcp" })
                {
                    var answer = await Tool.RunAsync("nsenter", [.. inNamespace, "@" + server, transport, "www.school.example", "A"]);
                    Assert.True(answer.Contains($"SERVER: {server}#5353", StringComparison.Ordinal) && answer.Contains("status: ", StringComparison.Ordinal),
                        $"{server} {transport}: {answer}\n{Text(output)}");
                }
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task UnreadableConfigFolder_Exits78NamingTheFolder()
    {
        // As on an appliance whose /etc/classroomguard the service's user cannot read: a message, not exit 134. Root
        // reads everything, so as root the program runs without capabilities (file permissions then bind it too).
        var config = Directory.CreateTempSubdirectory("cg-dns-unreadable-config-");
        try
        {
            File.SetUnixFileMode(config.FullName, UnixFileMode.None);
            string[] program = ["dotnet", Dll, "--Dns:Listen:0=127.0.0.1:0", "--Dns:Upstreams:0=127.0.0.1:9"];
            var info = Environment.UserName == "root"
                ? new ProcessStartInfo("setpriv", ["--bounding-set=-all", "--inh-caps=-all", "--", .. program])
                : new ProcessStartInfo(program[0], program[1..]);
            info.RedirectStandardError = true;
            info.RedirectStandardOutput = true;
            info.UseShellExecute = false;
            info.Environment["CLASSROOMGUARD_CONFIG_DIR"] = config.FullName;
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(cts.Token);
            var text = await stderr + await stdout;

            Assert.True(process.ExitCode == 78, $"exit {process.ExitCode}: {text}");
            Assert.Contains($"cannot read the configuration folder {config.FullName}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(config.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            config.Delete(recursive: true);
        }
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
