using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClassroomGuard.EndToEnd.Support;

/// <summary>Runs the repository's shell scripts the way a technician would, and captures what they print.</summary>
internal static class ScriptRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The repository root (the folder holding ClassroomGuard.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static async Task<Result> RunAsync(string script, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("/bin/bash", [Path.Combine(RepoRoot, script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A TCP port on loopback that nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both UDP and TCP on loopback (DNS needs both).</summary>
    public static int FreeUdpLoopbackPort()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                using var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }
    }

    /// <summary>Runs a program (not a script) and returns what it printed; fails the test if it fails.</summary>
    public static async Task<string> RunProcessAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await stdout}{await stderr}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassroomGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClassroomGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
