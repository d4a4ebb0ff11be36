using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.Dns.Lists;

namespace ClassroomGuard.DnsFilter.Tests.Lists.Fetching;

/// <summary><c>ClassroomGuard.DnsFilter fetch-lists</c>, as set-up runs it: exit 0 with every required list in force, 75 otherwise.</summary>
public sealed class FetchListsCommandTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("cg-fetch-lists-").FullName;
    private ListServer _server = null!;

    public async Task InitializeAsync() => _server = await ListServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await DnsFilterCommandLine.RunAsync(["fetch-lists", "--State:Path=" + Path.Combine(_root, "state.db"), "--Dns:Lists:MinArchiveBytes=200", .. args], _ => Task.FromResult(-1), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task FetchLists_ServerDown_Exit75NamingTheUrlTheReasonAndTheMissingLists()
    {
        _server.Status("/blacklists.tar.gz", 503);

        var (exit, output, _) = await RunAsync("--Dns:Lists:Ut1Url=" + _server.Url("/blacklists.tar.gz"), "--Dns:Lists:Ut1ChecksumUrl=");

        Assert.Equal(75, exit);
        Assert.Contains($"UT1 download from {_server.Url("/blacklists.tar.gz")} failed: the server answered 503", output, StringComparison.Ordinal);
        Assert.Contains("Required lists NOT in force: UT1 adult, UT1 malware, UT1 phishing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchLists_LocalArchive_Exit0WithTheDownloadInForce()
    {
        var archive = Path.Combine(_root, "blacklists.tar.gz");
        await File.WriteAllBytesAsync(archive, Ut1Archives.Build());

        var (exit, output, error) = await RunAsync("--Dns:Lists:Ut1Url=" + archive, "--Dns:Lists:Ut1ChecksumUrl=");

        Assert.True(exit == 0, output + error);
        Assert.Contains("Required lists in force: all.", output, StringComparison.Ordinal);
        Assert.Contains("Lists in force: UT1 of ", output, StringComparison.Ordinal);
        Assert.True(new ListDirectory(Path.Combine(_root, "lists")).HasUt1);
    }

    [Fact]
    public async Task CommandLine_UnknownWord_Exit64WithUsage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await DnsFilterCommandLine.RunAsync(["fetch-list"], _ => Task.FromResult(0), output, error);

        Assert.Equal(64, exit);
        Assert.Contains("Usage: ClassroomGuard.DnsFilter", error.ToString(), StringComparison.Ordinal);
    }
}
