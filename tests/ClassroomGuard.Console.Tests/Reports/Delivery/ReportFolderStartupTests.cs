using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>A reports folder the service cannot create or write stops its start with exit 78, naming Reports:Directory.</summary>
public sealed class ReportFolderStartupTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("cg-report-folder-");

    [Theory]
    [InlineData("file")] // a file where a folder should be: cannot be created
    [InlineData("relative")]
    public async Task Service_UnusableReportsFolder_Exits78NamingTheSetting(string how)
    {
        var blocker = Path.Combine(root.FullName, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file");
        var folder = how == "file" ? Path.Combine(blocker, "reports") : "relative/reports";

        var result = await ConsoleProcess.RunAsync($"--State:Path={Path.Combine(root.FullName, "state.db")}", "--Console:Listen=http://127.0.0.1:0",
            $"--Influx:Url=http://127.0.0.1:{InfluxdServer.FreePort()}", $"--Influx:SpoolDirectory={root.FullName}/spool", $"--Reports:Directory={folder}");

        Assert.Equal(78, result.ExitCode);
        Assert.Contains($"Reports:Directory '{folder}'", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => root.Delete(recursive: true);
}
