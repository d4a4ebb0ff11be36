using System.Diagnostics;

namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>Runs dig and kdig (Debian bind9-dnsutils, knot-dnsutils) against our server.</summary>
public static class Tool
{
    public static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return await stdout + await stderr;
    }

    /// <summary>dig at our server: one try, 2 s per try.</summary>
    public static Task<string> DigAsync(int port, params string[] args)
        => RunAsync("dig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=5", .. (args.Any(a => a.StartsWith("+tries", StringComparison.Ordinal)) ? args : ["+tries=1", .. args])]);

    /// <summary>dig at our server on IPv6 loopback.</summary>
    public static Task<string> DigV6Async(int port, params string[] args)
        => RunAsync("dig", ["@::1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+tries=1", "+time=5", .. args]);

    public static Task<string> KdigAsync(int port, params string[] args)
        => RunAsync("kdig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+retry=0", "+time=5", .. args]);
}
