using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Agent.Hosting;

/// <summary>Settings of the pupil agent (configuration section <c>Agent</c>).</summary>
public sealed class AgentOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Agent";

    /// <summary>The console's address, e.g. <c>https://192.168.1.2:8443</c>. Required; must be https. No default.</summary>
    [Required(ErrorMessage = "Agent:ConsoleUrl is required (e.g. https://192.168.1.2:8443).")]
    public string ConsoleUrl { get; set; } = string.Empty;

    /// <summary>
    /// The room's enrolment token, needed only for the first run (or <c>enrol</c>); once enrolled the saved credential
    /// is used and this can be removed. Default none.
    /// </summary>
    public string? EnrolmentToken { get; set; }

    /// <summary>
    /// Optional: the console certificate's SPKI SHA-256 (base64) to require already at enrolment. Default none: the
    /// certificate seen at enrolment is trusted and pinned (trust on first use); see docs/agent.md.
    /// </summary>
    public string? ExpectedConsolePin { get; set; }

    /// <summary>
    /// File with the agent's credential and the pinned certificate, written owner-only (0600). Default
    /// <c>/var/lib/classroomguard-agent/agent.json</c>. Security: whoever reads it can act as this device.
    /// </summary>
    [Required(ErrorMessage = "Agent:StatePath is required.")]
    public string StatePath { get; set; } = "/var/lib/classroomguard-agent/agent.json";

    /// <summary>Shown on the blanked screen. Default "Eyes on your teacher" (1 to 200 characters).</summary>
    [Required]
    [StringLength(200, MinimumLength = 1, ErrorMessage = "Agent:BlankMessage must be 1 to 200 characters.")]
    public string BlankMessage { get; set; } = "Eyes on your teacher";

    /// <summary>First delay before reconnecting after a lost connection. Default 1 s (100 ms to 1 min).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00", ErrorMessage = "Agent:ReconnectMinDelay must be between 00:00:00.1 and 00:01:00.")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnection attempts (the delay doubles up to this, with ±20 % jitter). Default 30 s (1 s to 10 min).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Agent:ReconnectMaxDelay must be between 00:00:01 and 00:10:00.")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the agent reports hostname, addresses and signed-in user. Default 30 s (5 s to 10 min).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00", ErrorMessage = "Agent:HeartbeatInterval must be between 00:00:05 and 00:10:00.")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// X display to blank, e.g. <c>:0</c>. Default none: the <c>DISPLAY</c> environment variable of the agent's session.
    /// Linux only.
    /// </summary>
    public string? Display { get; set; }

    /// <summary>The console URL as a URI (valid after validation).</summary>
    public Uri ConsoleUri => new(ConsoleUrl);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ConsoleUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath != "/")
        {
            yield return new ValidationResult($"Agent:ConsoleUrl '{ConsoleUrl}' must look like https://192.168.1.2:8443 (https, host, port; no path).", [nameof(ConsoleUrl)]);
        }

        if (!Path.IsPathFullyQualified(StatePath ?? string.Empty))
        {
            yield return new ValidationResult($"Agent:StatePath '{StatePath}' must be an absolute file path.", [nameof(StatePath)]);
        }

        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            yield return new ValidationResult("Agent:ReconnectMaxDelay must not be shorter than Agent:ReconnectMinDelay.", [nameof(ReconnectMaxDelay)]);
        }
    }
}
