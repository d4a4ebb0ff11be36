using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding;

public sealed class SafeguardingSettingsTests
{
    public static TheoryData<SafeguardingOptions, string> BadSafeguarding => new()
    {
        { new SafeguardingOptions { Danger = ["self_harm", "Self Harm"] }, "Safeguarding:Danger:1 'Self Harm'" },
        { new SafeguardingOptions { Caution = ["adult", ""] }, "Safeguarding:Caution:1" },
        { new SafeguardingOptions { Caution = ["adult", "self_harm'; DROP TABLE alerts; --"] }, "Safeguarding:Caution:1" },
        { new SafeguardingOptions { Caution = [new string('a', 65)] }, "Safeguarding:Caution:0" },
        { new SafeguardingOptions { Danger = ["self_harm", "adult"] }, "'adult' is in both Safeguarding:Danger and Safeguarding:Caution" },
        { new SafeguardingOptions { AlertRecipients = ["dsl@school.example", "not an address"] }, "Safeguarding:AlertRecipients:1" },
        { new SafeguardingOptions { AlertRecipients = ["Jo <jo@school.example>"] }, "Safeguarding:AlertRecipients:0" },
        { new SafeguardingOptions { AlertRecipients = ["a@school.example, b@school.example"] }, "Safeguarding:AlertRecipients:0" },
        { new SafeguardingOptions { AlertMailInterval = TimeSpan.FromSeconds(10) }, "Safeguarding:AlertMailInterval" },
        { new SafeguardingOptions { AlertMailInterval = TimeSpan.FromDays(2) }, "Safeguarding:AlertMailInterval" },
    };

    [Theory]
    [MemberData(nameof(BadSafeguarding))]
    public void Validate_BadSafeguarding_RefusedNamingTheSetting(SafeguardingOptions options, string expected)
        => Assert.Contains(Validate(options), e => e.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void Validate_Defaults_Accepted() => Assert.Empty(Validate(new SafeguardingOptions()));

    public static TheoryData<MailOptions, string> BadMail => new()
    {
        { new MailOptions { Host = "smtp.school.example" }, "Mail:From" },
        { new MailOptions { Host = "smtp.school.example", From = "not-an-address" }, "Mail:From" },
        { new MailOptions { Host = "smtp school", From = "cg@school.example" }, "Mail:Host" },
        { new MailOptions { Host = " smtp.school.example", From = "cg@school.example" }, "Mail:Host" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Security = MailSecurity.None }, "Mail:Security None" },
        { new MailOptions { Host = "192.0.2.25", From = "cg@school.example", Security = MailSecurity.None }, "Mail:Security None" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Username = "cg" }, "Mail:Username and Mail:Password" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Password = "secret" }, "Mail:Username and Mail:Password" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Port = 0 }, "Mail:Port" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Port = 70000 }, "Mail:Port" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Timeout = TimeSpan.Zero }, "Mail:Timeout" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", AcceptCertificateThumbprint = "abc" }, "Mail:AcceptCertificateThumbprint" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", AcceptCertificateThumbprint = new string('z', 64) }, "Mail:AcceptCertificateThumbprint" },
        { new MailOptions { Host = "smtp.school.example", From = "cg@school.example", RetryDelay = TimeSpan.FromMinutes(10), RetryMaxDelay = TimeSpan.FromMinutes(5) }, "Mail:RetryMaxDelay" },
        { new MailOptions { SentRetentionDays = 0 }, "Mail:SentRetentionDays" },
    };

    [Theory]
    [MemberData(nameof(BadMail))]
    public void Validate_BadMail_RefusedNamingTheSetting(MailOptions options, string expected)
        => Assert.Contains(Validate(options), e => e.Contains(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData(null, MailSecurity.StartTls)]
    [InlineData("smtp.school.example", MailSecurity.StartTls)]
    [InlineData("smtp.school.example", MailSecurity.Tls)]
    [InlineData("localhost", MailSecurity.None)]
    [InlineData("127.0.0.1", MailSecurity.None)]
    [InlineData("::1", MailSecurity.None)]
    public void Validate_GoodMail_Accepted(string? host, MailSecurity security)
        => Assert.Empty(Validate(new MailOptions { Host = host, From = "cg@school.example", Security = security, Username = "cg", Password = "secret" }));

    [Fact]
    public void ToString_WithPassword_NeverShowsIt()
    {
        var options = new MailOptions { Host = "smtp.school.example", From = "cg@school.example", Username = "cg", Password = "hunter2-secret" };
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("smtp.school.example:587", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://school.example")]
    [InlineData("http://classroomguard.school.example")]
    [InlineData("https://classroomguard.school.example/console")]
    [InlineData("https://classroomguard.school.example/?x=1")]
    [InlineData("https://user:pw@classroomguard.school.example")]
    [InlineData("classroomguard.school.example")]
    public void Validate_BadPublicUrl_RefusedNamingTheSetting(string url)
        => Assert.Contains(Validate(new ConsoleOptions { Listen = "http://127.0.0.1:8080", PublicUrl = url }), e => e.Contains("Console:PublicUrl", StringComparison.Ordinal));

    [Theory]
    [InlineData("https://classroomguard.school.example:8443/", "https://classroomguard.school.example:8443")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData(null, "http://127.0.0.1:8080")]
    public void PublicBase_GoodOrDefault_NoTrailingSlash(string? url, string expected)
    {
        var options = new ConsoleOptions { Listen = "http://127.0.0.1:8080", PublicUrl = url };
        Assert.Empty(Validate(options));
        Assert.Equal(expected, options.PublicBase());
    }

    [Theory]
    [InlineData("dsl@school.example", true)]
    [InlineData("d.s-l+alerts@mail.school.example", true)]
    [InlineData("", false)]
    [InlineData(" dsl@school.example", false)]
    [InlineData("dsl@school.example ", false)]
    [InlineData("dsl", false)]
    [InlineData("@school.example", false)]
    [InlineData("dsl@", false)]
    [InlineData("Jo Bloggs <dsl@school.example>", false)]
    [InlineData("a@school.example,b@school.example", false)]
    [InlineData("a@school.example\r\nBcc: x@evil.example", false)]
    [InlineData("group: a@school.example;", false)]
    public void MailAddresses_IsValid_OnePlainAddressOnly(string text, bool valid) => Assert.Equal(valid, MailAddresses.IsValid(text));

    [Fact]
    public void MailAddresses_TooLong_Refused() => Assert.False(MailAddresses.IsValid(new string('a', 250) + "@x.example"));

    [Theory]
    [InlineData(AlertKind.HighRiskCategory, "self_harm", AlertSeverity.Danger)]
    [InlineData(AlertKind.HighRiskCategory, "child_abuse", AlertSeverity.Danger)]
    [InlineData(AlertKind.HighRiskCategory, "terrorism", AlertSeverity.Danger)]
    [InlineData(AlertKind.HighRiskCategory, "extremism", AlertSeverity.Danger)]
    [InlineData(AlertKind.HighRiskCategory, "adult", AlertSeverity.Caution)]
    [InlineData(AlertKind.HighRiskCategory, "drugs", AlertSeverity.Caution)]
    [InlineData(AlertKind.Circumvention, "wireguard", AlertSeverity.Caution)]
    [InlineData(AlertKind.Circumvention, "doh", AlertSeverity.Caution)]
    [InlineData(AlertKind.HighRiskCategory, "games", AlertSeverity.Advisory)]
    [InlineData(AlertKind.Other, null, AlertSeverity.Advisory)]
    [InlineData(AlertKind.Appliance, null, AlertSeverity.Appliance)]
    [InlineData(AlertKind.Appliance, "self_harm", AlertSeverity.Appliance)]
    public void Severity_Defaults_AsTheIssueAsks(AlertKind kind, string? category, AlertSeverity expected)
        => Assert.Equal(expected, new AlertSeverities(Options.Create(new SafeguardingOptions())).Of(kind, category));

    [Fact]
    public void Severity_Configured_ReplacesTheDefaults()
    {
        var severities = new AlertSeverities(Options.Create(new SafeguardingOptions { Danger = ["gambling"], Caution = ["games"] }));
        Assert.Equal(AlertSeverity.Danger, severities.Of(AlertKind.HighRiskCategory, "gambling"));
        Assert.Equal(AlertSeverity.Advisory, severities.Of(AlertKind.HighRiskCategory, "self_harm"));
        Assert.Equal(AlertSeverity.Caution, severities.Of(AlertKind.HighRiskCategory, "games"));
    }

    [Theory]
    [InlineData("--Mail:Security=None", "Mail:Security None")]
    [InlineData("--Safeguarding:Caution:0=self_harm", "'self_harm' is in both")]
    public async Task Start_BadSetting_ConsoleExits78NamingIt(string setting, string expected)
    {
        var result = await Support.ConsoleProcess.RunAsync("--Console:Listen=http://127.0.0.1:0", "--Mail:Host=smtp.school.example", "--Mail:From=cg@school.example", setting);
        Assert.Equal(78, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    internal static List<string> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? string.Empty).ToList();
    }
}
