using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// <c>ClassroomGuard.Sniffer interfaces</c>, which set-up runs when it asks for the mirror port: the real program inside a
/// test namespace, whose only interfaces are the lab's veth (with an address) and loopback, plus one more veth left down
/// and without an address (what a mirror port looks like before set-up brings it up).
/// </summary>
public sealed class InterfacesCommandTests
{
    private static readonly string Sniffer = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll");

    [Fact]
    public async Task Interfaces_InNamespace_ListsPortsWithStateAndAddressesButNotLoopback()
    {
        await using var lab = await NetworkLab.CreateAsync();
        var spare = lab.Id + "m";
        await Tool.CheckAsync("ip", "-n", lab.ClientNamespace, "link", "add", spare, "type", "veth", "peer", "name", lab.Id + "n");

        var result = await lab.InClientAsync("dotnet", Sniffer, "interfaces");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"{lab.ClientInterface} (up, link, {lab.ClientIp}/24 ", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{spare} (down, no link, no address)", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("lo ", StringComparison.Ordinal) || l.StartsWith("any ", StringComparison.Ordinal));
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task SetupDescribeInterfaces_ListsThroughTheSniffer()
    {
        // image/lib.sh's describe_interfaces, as set-up runs it when it asks for the mirror port, with the sniffer
        // "published" in a temporary /opt (a link to this build); its format (link/no link) is the sniffer's, not ip's.
        await using var lab = await NetworkLab.CreateAsync();
        var spare = lab.Id + "m";
        await Tool.CheckAsync("ip", "-n", lab.ClientNamespace, "link", "add", spare, "type", "veth", "peer", "name", lab.Id + "n");
        var opt = Directory.CreateTempSubdirectory("cg-opt-");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(opt.FullName, "sniffer"), AppContext.BaseDirectory);
            var lib = Path.Combine(RepositoryRoot(), "image", "lib.sh");

            var result = await lab.InClientAsync("bash", "-c", "source \"$1\"; opt=$2; dotnet_bin=dotnet; describe_interfaces", "describe", lib, opt.FullName);

            Assert.True(result.ExitCode == 0, result.Output + result.Error);
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.StartsWith($"{lab.ClientInterface} (up, link, {lab.ClientIp}/24 ", StringComparison.Ordinal));
            Assert.Contains($"{spare} (down, no link, no address)", lines);
        }
        finally
        {
            opt.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Interfaces_All_AddsLoopbackAndPseudoDevices()
    {
        await using var lab = await NetworkLab.CreateAsync();

        var result = await lab.InClientAsync("dotnet", Sniffer, "interfaces", "--all");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("lo (up, link, loopback, 127.0.0.1/8 ::1/128)", lines);
        Assert.Contains(lines, l => l.StartsWith("any (up, link, pseudo-device, no address) — ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(lab.ClientInterface + " (up, link, ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("interfaces", "--bogus")]
    [InlineData("interfaces", "--Sniffer:Interface=eth1")]
    [InlineData("list-everything")]
    public async Task Interfaces_UnknownArgument_Exit64WithUsage(params string[] arguments)
    {
        var result = await Tool.RunAsync("dotnet", [Sniffer, .. arguments]);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("Usage: ClassroomGuard.Sniffer [interfaces [--all]]", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task List_SameFactsAsIpLink()
    {
        // The library call the command prints, against ip(8) in the same namespace: every link ip lists, with its state.
        await using var lab = await NetworkLab.CreateAsync();
        var listed = NetworkLab.RunInNamespace(lab.ClientNamespace, CaptureInterfaces.List);
        var ip = await lab.InClientAsync("ip", "-o", "link", "show");

        var client = Assert.Single(listed, i => i.Name == lab.ClientInterface);
        Assert.True(client.IsUp && client.IsRunning && !client.IsLoopback && !client.IsPseudoDevice);
        Assert.Contains(lab.ClientIp + "/24", client.Addresses);
        Assert.Contains(client.Addresses, a => a.StartsWith("fe80::", StringComparison.Ordinal));
        var loopback = Assert.Single(listed, i => i.Name == "lo");
        Assert.True(loopback.IsLoopback);
        foreach (var line in ip.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(": ")[1].Split('@')[0];
            Assert.Contains(listed, i => i.Name == name);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ClassroomGuard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ClassroomGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
