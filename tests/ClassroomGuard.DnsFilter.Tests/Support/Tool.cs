namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>Runs dig and kdig (Debian bind9-dnsutils, knot-dnsutils) against our server.</summary>
public static class Tool
{
    /// <summary>Everything the tool printed, output then error (<see cref="ProcessRunner"/>).</summary>
    public static async Task<string> RunAsync(string program, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(program, args);
        return result.Output + result.Error;
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
