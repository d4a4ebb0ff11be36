using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Console.Hosting;

namespace ClassroomGuard.Console.Tests.Hosting;

public sealed class ConsoleOptionsTests : IDisposable
{
    private readonly string _certificate = Path.GetTempFileName();
    private readonly string _key = Path.GetTempFileName();

    public static TheoryData<string, string> BadListenValues => new()
    {
        { "not a url", "Console:Listen" },
        { "ftp://0.0.0.0:21", "Console:Listen" },
        { "https://0.0.0.0:8443/console", "Console:Listen" },
        { "https://school.example:8443", "Console:Listen" },
        { "http://0.0.0.0:8080", "plain http on a non-loopback address" },
        { "http://192.0.2.10:8080", "plain http on a non-loopback address" },
    };

    [Theory]
    [MemberData(nameof(BadListenValues))]
    public void Validate_BadListen_IsRefusedNamingTheSetting(string listen, string expected)
    {
        var errors = Validate(new ConsoleOptions { Listen = listen, CertificatePath = _certificate, CertificateKeyPath = _key });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443")]
    [InlineData("https://[::]:8443")]
    [InlineData("https://127.0.0.1:443")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public void Validate_GoodListen_IsAccepted(string listen)
    {
        Assert.Empty(Validate(new ConsoleOptions { Listen = listen, CertificatePath = _certificate, CertificateKeyPath = _key }));
    }

    [Fact]
    public void Validate_HttpsWithoutCertificate_NamesBothSettings()
    {
        var errors = Validate(new ConsoleOptions { Listen = "https://0.0.0.0:8443", CertificatePath = "/nonexistent.crt" });

        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Console:CertificatePath", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Console:CertificateKeyPath", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PruneIntervalTooShort_NamesTheSetting()
    {
        var errors = Validate(new ConsoleOptions { Listen = "http://127.0.0.1:8080", PruneInterval = TimeSpan.FromSeconds(1) });

        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Console:PruneInterval", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        File.Delete(_certificate);
        File.Delete(_key);
    }

    private static List<ValidationResult> Validate(ConsoleOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
