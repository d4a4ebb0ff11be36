using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Tests;
using Microsoft.Extensions.Configuration;

namespace ClassroomGuard.Storage.Tests.Hosting;

/// <summary>The configuration folder every service reads, and what happens when it cannot be read.</summary>
public sealed class ClassroomGuardConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cg-config-");

    [Fact]
    public void Folder_FilesInNameOrder_CommandLineWins()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "a.json"), """{ "Influx": { "Database": "a", "Url": "http://a/" } }""");
        File.WriteAllText(Path.Combine(_folder.FullName, "b.json"), """{ "Influx": { "Database": "b" } }""");

        var configuration = new ConfigurationManager().AddClassroomGuardSources(["--Influx:Url=http://cli/"], _folder.FullName).Build();

        Assert.Equal("b", configuration["Influx:Database"]);
        Assert.Equal("http://cli/", configuration["Influx:Url"]);
    }

    [Fact]
    public void MissingFolder_NoSettings()
        => Assert.Empty(new ConfigurationManager().AddClassroomGuardSources([], Path.Combine(_folder.FullName, "none")).Build().AsEnumerable());

    [Fact]
    public void InvalidJson_NamesTheFileAndLine()
    {
        var file = Path.Combine(_folder.FullName, "sniffer.json");
        File.WriteAllText(file, "{ \"Sniffer\": { \"Interface\": \"eth1\", }\n oops");

        var error = Assert.Throws<ConfigurationFolderException>(() => new ConfigurationManager().AddClassroomGuardSources([], _folder.FullName));

        Assert.Equal(file, error.Path);
        Assert.Contains($"the configuration file {file} is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableFile_NamesTheFile()
    {
        // A dangling link stands for a file the service cannot open (root reads any file, so modes prove nothing here).
        var file = Path.Combine(_folder.FullName, "dns.json");
        File.CreateSymbolicLink(file, Path.Combine(_folder.FullName, "gone", "dns.json"));

        var error = Assert.Throws<ConfigurationFolderException>(() => new ConfigurationBuilder().AddClassroomGuardSources([], _folder.FullName));

        Assert.Equal(file, error.Path);
        Assert.StartsWith($"cannot read the configuration file {file}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestRun_UsesItsOwnEmptyFolder_NotTheAppliances()
    {
        // Every test assembly's module initializer (tests/Shared/HermeticTestEnvironment.cs): the services a test
        // starts, and hosts built here, never see an installed appliance's /etc/classroomguard.
        var folder = Environment.GetEnvironmentVariable(ClassroomGuardConfiguration.ConfigDirectoryVariable);

        Assert.Equal(HermeticTestEnvironment.ConfigDirectory, folder);
        Assert.NotEqual(ClassroomGuardConfiguration.DefaultConfigDirectory, folder);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder!));
        Assert.DoesNotContain(Environment.GetEnvironmentVariables().Keys.Cast<string>(), name => name.StartsWith("ClassroomGuard__", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
