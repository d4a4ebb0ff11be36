using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// The program on a machine without libpcap, made for real: in a private mount namespace (unshare -m) the library file
/// is covered by /dev/null, so dlopen fails as it does when the Debian package libpcap0.8 is missing. The host's own
/// mounts are untouched.
/// </summary>
public sealed class SnifferLibpcapMissingTests
{
    [Theory]
    [InlineData("--Sniffer:Interface=lo --Sniffer:Circumvention:Enabled=false", "cannot capture")]
    [InlineData("interfaces", "cannot list interfaces")]
    public async Task Program_LibpcapMissing_Exit69NamingThePackage(string arguments, string what)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll");
        var result = await Tool.RunAsync("unshare", [
            "-m", "--propagation", "private", "sh", "-c",
            "mount --bind /dev/null \"$(readlink -f /usr/lib/x86_64-linux-gnu/libpcap.so.0.8)\" && exec dotnet \"$@\"", "sh",
            program, .. arguments.Split(' ')], timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 69, $"exit {result.ExitCode}: {result.Error}{result.Output}");
        Assert.Contains("libpcap is not installed (Debian package libpcap0.8)", result.Error, StringComparison.Ordinal);
        Assert.Contains(what, result.Error, StringComparison.Ordinal);
    }
}
