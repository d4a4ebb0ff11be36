using System.Diagnostics;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using Microsoft.Extensions.Configuration;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>The Dns:Policy and Dns:Lists settings: the validators, and the real process refusing to start (exit 78).</summary>
public sealed class DnsPolicyOptionsValidatorTests
{
    private static readonly string ExistingFile = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.DnsFilter.dll");

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new DnsPolicyOptionsValidator().Validate(null, new DnsPolicyOptions()).Succeeded);
        Assert.True(new DnsListOptionsValidator().Validate(null, new DnsListOptions()).Succeeded);
    }

    [Fact]
    public void Validate_UndefinedBlockAnswer_NamesTheSetting()
        => AssertFails(new DnsPolicyOptions { BlockAnswer = (BlockAnswerMode)42 }, "Dns:Policy:BlockAnswer");

    [Fact]
    public void Validate_BlockPageWithoutAddresses_NamesBlockPageAddresses()
        => AssertFails(new DnsPolicyOptions { BlockAnswer = BlockAnswerMode.BlockPage }, "Dns:Policy:BlockPageAddresses must list at least one address");

    [Fact]
    public void Validate_BlockPageAddressNotAnAddress_NamesTheEntry()
        => AssertFails(new DnsPolicyOptions { BlockAnswer = BlockAnswerMode.BlockPage, BlockPageAddresses = ["192.0.2.1", "blockpage.local"] }, "Dns:Policy:BlockPageAddresses:1");

    [Fact]
    public void Validate_BlockPageWithAddresses_Succeeds()
        => Assert.True(new DnsPolicyOptionsValidator().Validate(null, new DnsPolicyOptions { BlockAnswer = BlockAnswerMode.BlockPage, BlockPageAddresses = ["192.0.2.1", "2001:db8::1"] }).Succeeded);

    [Fact]
    public void Validate_SafeSearchTargetNotAName_NamesTheSetting()
        => AssertFails(new DnsPolicyOptions { YouTubeModerateTarget = "not a name" }, "Dns:Policy:YouTubeModerateTarget");

    [Fact]
    public void Validate_ListUnknownFormat_NamesTheSetting()
        => AssertListFails(new ListSource { Path = ExistingFile, Format = (ListFormat)9, Category = "adult" }, "Dns:Lists:Sources:0:Format");

    [Fact]
    public void Validate_ListFormatTheBinderDrops_NamesTheSetting()
    {
        // The binder drops a list element it cannot convert, so only the raw configuration shows the bad value.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Lists:Sources:0:Path"] = ExistingFile,
            ["Dns:Lists:Sources:0:Format"] = "Csv",
            ["Dns:Lists:Sources:0:Category"] = "child_abuse",
        }).Build();
        var options = configuration.GetSection(DnsListOptions.SectionName).Get<DnsListOptions>() ?? new DnsListOptions();

        var result = new DnsListOptionsValidator(configuration).Validate(null, options);

        Assert.Empty(options.Sources);
        Assert.True(result.Failed);
        Assert.Contains("Dns:Lists:Sources:0:Format 'Csv'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ListMissingPath_NamesTheSetting()
        => AssertListFails(new ListSource { Category = "adult" }, "Dns:Lists:Sources:0:Path is required");

    [Fact]
    public void Validate_ListPathDoesNotExist_NamesTheSetting()
        => AssertListFails(new ListSource { Path = "/nonexistent/list.txt", Category = "adult" }, "Dns:Lists:Sources:0:Path '/nonexistent/list.txt' does not exist");

    [Fact]
    public void Validate_ListMissingCategory_NamesTheSetting()
        => AssertListFails(new ListSource { Path = ExistingFile, Format = ListFormat.Hosts }, "Dns:Lists:Sources:0:Category");

    [Fact]
    public void Validate_Ut1DirectoryWithoutCategory_Succeeds()
        => Assert.True(new DnsListOptionsValidator().Validate(null, new DnsListOptions { Sources = [new ListSource { Path = AppContext.BaseDirectory, Format = ListFormat.Ut1 }] }).Succeeded);

    /// <summary>
    /// Each bad setting stops the real process before it serves: exit 78 (EX_CONFIG, so systemd does not restart it in
    /// a loop) and a message naming the setting — including values the configuration binder cannot convert at all.
    /// </summary>
    [Theory]
    [InlineData("Dns:Policy:BlockAnswer", "--Dns:Policy:BlockAnswer=Bogus")]
    [InlineData("Dns:Policy:BlockPageAddresses", "--Dns:Policy:BlockAnswer=BlockPage")]
    [InlineData("Dns:Policy:BlockTtl", "--Dns:Policy:BlockTtl=-1")]
    [InlineData("Dns:Policy:RewriteTtl", "--Dns:Policy:RewriteTtl=-300")]
    [InlineData("Dns:Lists:Sources:0:Format", "--Dns:Lists:Sources:0:Path={file}", "--Dns:Lists:Sources:0:Format=Csv", "--Dns:Lists:Sources:0:Category=adult")]
    [InlineData("Dns:Lists:Sources:0:Path", "--Dns:Lists:Sources:0:Category=adult")]
    [InlineData("Dns:Lists:Sources:0:Category", "--Dns:Lists:Sources:0:Path={file}", "--Dns:Lists:Sources:0:Format=Hosts")]
    public async Task Program_BadPolicyOrListSetting_Exits78NamingTheSetting(string setting, params string[] args)
    {
        var (exitCode, output) = await RunProgramAsync(args.Select(a => a.Replace("{file}", ExistingFile, StringComparison.Ordinal)));

        Assert.True(exitCode == 78, $"exit code {exitCode}: {output}");
        Assert.Contains("invalid configuration", output, StringComparison.Ordinal);
        Assert.Contains(setting, output, StringComparison.Ordinal);
    }

    private static void AssertFails(DnsPolicyOptions options, string expected)
    {
        var result = new DnsPolicyOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static void AssertListFails(ListSource source, string expected)
    {
        var result = new DnsListOptionsValidator().Validate(null, new DnsListOptions { Sources = [source] });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunProgramAsync(IEnumerable<string> args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.DnsFilter.dll");
        var configDirectory = Directory.CreateTempSubdirectory("cg-dns-config-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet", [dll, "--Dns:Listen:0=127.0.0.1:0", "--Dns:Upstreams:0=127.0.0.1:9", .. args])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.Environment["CLASSROOMGUARD_CONFIG_DIR"] = configDirectory;
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException("the process did not refuse to start within 60 s: " + string.Join(' ', args));
            }

            return (process.ExitCode, await stderr + await stdout);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }
}
