using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Settings of the safeguarding alerts (configuration section <c>Safeguarding</c>).</summary>
public sealed partial class SafeguardingOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Safeguarding";

    /// <summary>Danger unless set: the always-on lists, self-harm and extremism.</summary>
    public static readonly string[] DefaultDanger = ["child_abuse", "terrorism", "self_harm", "extremism"];

    /// <summary>Caution unless set: adult content, violence, drugs, hate, and ways round the filter.</summary>
    public static readonly string[] DefaultCaution = ["adult", "violence", "drugs", "hate", "circumvention", "doh", "vpn", "proxy"];

    /// <summary>
    /// Category keys whose alerts are <em>danger</em>: e-mailed to the safeguarding leads at once, red on the alerts page.
    /// Default child_abuse, terrorism, self_harm, extremism. Setting it replaces the whole list.
    /// </summary>
    public List<string>? Danger { get; set; }

    /// <summary>
    /// Category keys whose alerts are <em>caution</em> (amber); every circumvention alert is caution too unless its key is
    /// a danger one. Default adult, violence, drugs, hate, circumvention, doh, vpn, proxy. Other keys are advisory.
    /// </summary>
    public List<string>? Caution { get; set; }

    /// <summary>At most one alert e-mail per device (or address) and category per this interval. Default 10 minutes (1 minute to 1 day).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Safeguarding:AlertMailInterval must be between 00:01:00 and 1.00:00:00.")]
    public TimeSpan AlertMailInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Addresses that receive danger alert e-mails besides every enabled safeguarding lead with an e-mail address
    /// (a deputy's shared mailbox, the head). Default none.
    /// </summary>
    public List<string> AlertRecipients { get; set; } = [];

    /// <summary>The danger keys in force.</summary>
    public IReadOnlyList<string> DangerKeys => Danger is { Count: > 0 } d ? d : DefaultDanger;

    /// <summary>The caution keys in force.</summary>
    public IReadOnlyList<string> CautionKeys => Caution is { Count: > 0 } c ? c : DefaultCaution;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, keys) in new[] { ("Danger", DangerKeys), ("Caution", CautionKeys) })
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i] is not { } key || !KeyPattern().IsMatch(key))
                {
                    yield return new ValidationResult(
                        $"Safeguarding:{name}:{i} '{keys[i]}' is not a category key (lower-case letters, digits, '_' or '-', e.g. self_harm).", [name]);
                }
            }
        }

        foreach (var both in DangerKeys.Intersect(CautionKeys, StringComparer.Ordinal))
        {
            yield return new ValidationResult($"Safeguarding: the category '{both}' is in both Safeguarding:Danger and Safeguarding:Caution; give it one severity.", [nameof(Danger)]);
        }

        for (var i = 0; i < AlertRecipients.Count; i++)
        {
            if (!MailAddresses.IsValid(AlertRecipients[i]))
            {
                yield return new ValidationResult($"Safeguarding:AlertRecipients:{i} '{AlertRecipients[i]}' is not an e-mail address (like dsl@school.example).", [nameof(AlertRecipients)]);
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex KeyPattern();
}
