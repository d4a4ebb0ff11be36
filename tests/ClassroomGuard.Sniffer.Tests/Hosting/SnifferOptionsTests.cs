using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

public sealed class SnifferOptionsTests
{
    private static List<string> Validate(SnifferOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? string.Empty).ToList();
    }

    [Fact]
    public void Validate_Defaults_WithInterface_Valid()
    {
        Assert.Empty(Validate(new SnifferOptions { Interface = "eth1" }));
    }

    [Fact]
    public void Validate_NeitherInterfaceNorFile_NamesBothSettings()
    {
        var error = Assert.Single(Validate(new SnifferOptions()));
        Assert.Contains("Sniffer:Interface", error, StringComparison.Ordinal);
        Assert.Contains("Sniffer:ReadFile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Both_NamesBothSettings()
    {
        var error = Assert.Single(Validate(new SnifferOptions { Interface = "eth1", ReadFile = "/etc/hostname" }));
        Assert.Contains("both set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_NamesSettingAndPath()
    {
        var error = Assert.Single(Validate(new SnifferOptions { ReadFile = "/nonexistent.pcap" }));
        Assert.Equal("Sniffer:ReadFile '/nonexistent.pcap' does not exist.", error);
    }

    [Theory]
    [InlineData(nameof(SnifferOptions.SnapLength), "Sniffer:SnapLength")]
    [InlineData(nameof(SnifferOptions.BufferSize), "Sniffer:BufferSize")]
    [InlineData(nameof(SnifferOptions.MaxReassemblyFlows), "Sniffer:MaxReassemblyFlows")]
    [InlineData(nameof(SnifferOptions.MaxClientHelloLength), "Sniffer:MaxClientHelloLength")]
    public void Validate_OutOfRange_NamesSetting(string property, string setting)
    {
        var options = new SnifferOptions { Interface = "eth1" };
        typeof(SnifferOptions).GetProperty(property)!.SetValue(options, 0);
        Assert.StartsWith(setting, Assert.Single(Validate(options)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_BadSetting_Exit78NamingSetting()
    {
        var result = await Tool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"), "--Sniffer:Interface=eth1", "--Sniffer:SnapLength=1", "--Sniffer:Circumvention:Enabled=false"]);
        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Sniffer:SnapLength must be between 64 and 262144", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_MissingInterface_Exit66NamingInterface()
    {
        var result = await Tool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"), "--Sniffer:Interface=cgnosuch1", "--Sniffer:Circumvention:Enabled=false"]);
        Assert.Equal(66, result.ExitCode);
        Assert.Contains("Interface 'cgnosuch1' does not exist", result.Error, StringComparison.Ordinal);
    }
}
