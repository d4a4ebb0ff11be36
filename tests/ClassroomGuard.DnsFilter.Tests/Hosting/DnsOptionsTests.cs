using System.Diagnostics;
using ClassroomGuard.DnsFilter.Hosting;

namespace ClassroomGuard.DnsFilter.Tests.Hosting;

public sealed class DnsOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:5353", true)]
    [InlineData("0.0.0.0:53", true)]
    [InlineData("[::]:53", true)]
    [InlineData("[::1]:5353", true)]
    [InlineData("::1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost:53", false)]
    [InlineData("", false)]
    [InlineData("1.2.3.4:99999", false)]
    public void TryParseEndpoint_ListenForms(string text, bool valid)
        => Assert.Equal(valid, DnsOptionsValidator.TryParseEndpoint(text, null, out _));

    [Theory]
    [InlineData("192.0.2.53", 53)]
    [InlineData("192.0.2.53:5300", 5300)]
    [InlineData("2001:db8::53", 53)]
    [InlineData("[2001:db8::53]:54", 54)]
    public void TryParseEndpoint_UpstreamForms_DefaultPort53(string text, int port)
    {
        Assert.True(DnsOptionsValidator.TryParseEndpoint(text, 53, out var endpoint));
        Assert.Equal(port, endpoint.Port);
    }

    [Fact]
    public void Validate_BadListenAndNoUpstreams_NamesBothSettings()
    {
        var result = new DnsOptionsValidator().Validate(null, new DnsOptions { Listen = ["nonsense"] });
        Assert.True(result.Failed);
        Assert.Contains("Dns:Listen:0", result.FailureMessage);
        Assert.Contains("Dns:Upstreams", result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_WithOneUpstream_Succeeds()
        => Assert.True(new DnsOptionsValidator().Validate(null, new DnsOptions { Upstreams = ["192.0.2.53"] }).Succeeded);

    [Fact]
    public async Task Program_NoUpstreams_Exits78NamingTheSetting()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.DnsFilter.dll");
        var configDirectory = Directory.CreateTempSubdirectory("cg-dns-config-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet", [dll, "--Dns:Listen:0=127.0.0.1:0"])
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
            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(78, process.ExitCode);
            Assert.Contains("Dns:Upstreams must list at least one upstream", await stderr + await stdout);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }
}
