using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>The service end to end on the lab capture: it reads the file, logs the facts, and stops at its end.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class SnifferProgramTests(LabCaptureFixture lab)
{
    [Fact]
    public async Task Program_ReadFile_LogsFactsAndExitsZero()
    {
        var result = await Tool.RunAsync("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"),
            "--Sniffer:ReadFile=" + lab.PcapPath,
            "--Sniffer:Circumvention:Enabled=false", // no state database here (CircumventionProgramTests cover it)
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:ClassroomGuard.Sniffer=Debug",
        ]);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("SNI 'big.example.test'", result.Output, StringComparison.Ordinal);
        Assert.Contains("(TcpReassembled)", result.Output, StringComparison.Ordinal);
        Assert.Contains($"host name '{LabCaptureFixture.DhcpHostName}'", result.Output, StringComparison.Ordinal);
        Assert.Contains("query 'www.school.example.test'", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Capture of {lab.PcapPath} ended: {lab.OurStatistics.Packets} packets, 0 malformed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_BadFilter_Exit78QuotingFilter()
    {
        var result = await Tool.RunAsync("dotnet", [
            Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"), "--Sniffer:ReadFile=" + lab.PcapPath, "--Sniffer:Filter=port banana",
            "--Sniffer:Circumvention:Enabled=false",
        ]);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Filter 'port banana' does not compile", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sniffer:Filter", result.Error, StringComparison.Ordinal);
    }
}
