using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Agent.Hosting;

namespace ClassroomGuard.Agent.Tests.Hosting;

public sealed class AgentOptionsTests
{
    [Fact]
    public void Validate_Defaults_NeedOnlyConsoleUrl()
    {
        var options = new AgentOptions { ConsoleUrl = "https://192.168.1.2:8443" };

        Assert.Empty(Validate(options));
        Assert.Equal("Eyes on your teacher", options.BlankMessage);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), (options.ReconnectMinDelay, options.ReconnectMaxDelay));
    }

    [Theory]
    [InlineData("http://192.168.1.2:8443", "/var/lib/a.json", "ConsoleUrl")]
    [InlineData("https://192.168.1.2:8443/x", "/var/lib/a.json", "ConsoleUrl")]
    [InlineData("", "/var/lib/a.json", "ConsoleUrl")]
    [InlineData("https://192.168.1.2:8443", "agent.json", "StatePath")]
    public void Validate_BadSetting_NamesIt(string url, string statePath, string member)
    {
        var errors = Validate(new AgentOptions { ConsoleUrl = url, StatePath = statePath });

        Assert.Contains(errors, e => e.MemberNames.Contains(member));
    }

    [Fact]
    public void Validate_MaxBelowMin_Refused()
    {
        var errors = Validate(new AgentOptions { ConsoleUrl = "https://10.0.0.1:8443", ReconnectMinDelay = TimeSpan.FromSeconds(10), ReconnectMaxDelay = TimeSpan.FromSeconds(5) });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(AgentOptions.ReconnectMaxDelay)));
    }

    private static List<ValidationResult> Validate(AgentOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
