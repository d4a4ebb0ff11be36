using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using ClassroomGuard.DnsFilter.Tests.Support;

namespace ClassroomGuard.DnsFilter.Tests.Hosting;

/// <summary>
/// <c>systemctl reload</c> sends SIGHUP to the real program: a signal while it is still starting must not end it (a .NET
/// process without a handler dies of it), and a signal once it runs reads the lists again without a restart.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ReloadSignalTests : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.DnsFilter.dll");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cg-dns-sighup-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task HangUp_WhileStartingAndWhileRunning_KeepsRunningAndReadsTheListsAgain()
    {
        var list = Path.Combine(_directory.FullName, "adult.txt");
        File.WriteAllText(list, "listed.test\n");
        var config = _directory.CreateSubdirectory("config");
        var port = FreePort.Get();
        var output = new StringBuilder();
        var info = new ProcessStartInfo("dotnet", [Dll,
            $"--Dns:Listen:0=127.0.0.1:{port}", "--Dns:Upstreams:0=127.0.0.1:9", "--Dns:UdpSocketsPerEndpoint=1",
            $"--State:Path={Path.Combine(_directory.FullName, "state.db")}", "--Dns:Lists:Ut1Url=",
            $"--Dns:Lists:Sources:0:Path={list}", "--Dns:Lists:Sources:0:Category=adult", "--Dns:Policy:BlockAnswer=NxDomain"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["CLASSROOMGUARD_CONFIG_DIR"] = config.FullName;
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // As soon as the runtime is up (its first log line), while the state database and the lists are loading.
            await WaitForAsync(() => Text(output).Length > 0, process, output);
            await HangUpAsync(process);
            await WaitForAsync(() => Text(output).Contains("DNS forwarding to", StringComparison.Ordinal), process, output);
            Assert.Contains("status: NXDOMAIN", await Tool.DigAsync(port, "www.listed.test", "A"), StringComparison.Ordinal);
            Assert.DoesNotContain("status: NXDOMAIN", await Tool.DigAsync(port, "added.test", "A"), StringComparison.Ordinal);

            File.AppendAllText(list, "added.test\n");
            await HangUpAsync(process);

            var blocked = Stopwatch.StartNew();
            while (!(await Tool.DigAsync(port, "added.test", "A")).Contains("status: NXDOMAIN", StringComparison.Ordinal))
            {
                Assert.False(process.HasExited || blocked.Elapsed > TimeSpan.FromSeconds(30), "the reload never blocked the added name: " + Text(output));
                await Task.Delay(100);
            }

            Assert.False(process.HasExited);
            Assert.Contains("Block lists reloaded while answering", Text(output), StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task HangUpAsync(Process process)
    {
        var kill = await Tool.RunAsync("kill", ["-HUP", process.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.False(process.HasExited, kill);
    }

    private static async Task WaitForAsync(Func<bool> condition, Process process, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.False(process.HasExited, $"the DNS filter exited ({(process.HasExited ? process.ExitCode : 0)}): " + Text(output));
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + Text(output));
            await Task.Delay(20);
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
