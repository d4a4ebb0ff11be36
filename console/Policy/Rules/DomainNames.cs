using System.Globalization;
using System.Net;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// Checks a domain name typed (or pasted) into the allow and deny lists. What people paste is turned into the name a
/// rule holds, and the note says so: a web address becomes its host name, a leading <c>*.</c> is dropped (a rule
/// already covers every name under it), a name in Unicode becomes the form DNS carries (<c>xn--…</c>). What cannot be a
/// name is refused with the reason: spaces, invisible characters, an IP address, a single label, over-long names and
/// labels, characters DNS names do not use.
/// </summary>
public static class DomainNames
{
    /// <summary>Longest name DNS carries (RFC 1035), in its dotted text form without the final dot.</summary>
    public const int MaxLength = 253;

    /// <summary>Longest label (the part between two dots).</summary>
    public const int MaxLabelLength = 63;

    // Anything this long is not a name someone meant; refused before any parsing.
    private const int MaxInputLength = 2048;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>The domain as a rule holds it (lower case, no final dot, ASCII), or why it cannot be one.</summary>
    public static Checked<string> Check(string? text)
    {
        var name = text?.Trim() ?? string.Empty;
        if (name.Length == 0)
        {
            return Checked<string>.Refuse("Enter a domain name, like example.org.");
        }

        if (name.Length > MaxInputLength)
        {
            return Checked<string>.Refuse($"That is far too long for a domain name: a name is at most {MaxLength} characters.");
        }

        var notes = new List<string>();
        if (LooksLikeAddress(name))
        {
            var host = HostOf(name);
            if (host is null)
            {
                return Checked<string>.Refuse("That looks like a web address but cannot be read: enter just the name, like example.org.");
            }

            notes.Add($"You pasted a web address: the rule is for its name, {host} (a rule covers a whole name, not one page).");
            name = host;
        }

        if (name.Any(char.IsWhiteSpace))
        {
            return Checked<string>.Refuse("A domain name has no spaces: enter one name, like example.org.");
        }

        if (name.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate))
        {
            return Checked<string>.Refuse("The name holds an invisible or unusable character (perhaps pasted with it): type it again.");
        }

        if (name.StartsWith("*.", StringComparison.Ordinal) || name.StartsWith('.'))
        {
            name = name.TrimStart('*').TrimStart('.');
            notes.Add($"A rule for {name} already covers every name under it, so the leading *. is not needed and was left out.");
        }

        if (name.Contains('*', StringComparison.Ordinal))
        {
            return Checked<string>.Refuse("A * is not needed: example.org covers every name under it (www.example.org, mail.example.org…). Enter the name without it.");
        }

        name = name.TrimEnd('.');
        if (IPAddress.TryParse(name, out _) && (name.Contains(':', StringComparison.Ordinal) || name.All(c => char.IsAsciiDigit(c) || c == '.')))
        {
            return Checked<string>.Refuse("That is an IP address: these lists decide by name. To filter a device by its address, use Who is in which group.");
        }

        if (name.Any(c => c > 0x7F))
        {
            string ascii;
            try
            {
                ascii = Idn.GetAscii(name);
            }
            catch (ArgumentException)
            {
                return Checked<string>.Refuse("That name holds characters an internationalised domain name cannot: check the spelling, or enter its xn-- form.");
            }

            notes.Add($"{name} is written {ascii.ToLowerInvariant()} in DNS (its internationalised form); the rule holds that.");
            name = ascii;
        }

        name = name.ToLowerInvariant();
        if (name.Length == 0)
        {
            return Checked<string>.Refuse("Enter a domain name, like example.org.");
        }

        if (name.Length > MaxLength)
        {
            return Checked<string>.Refuse($"A domain name is at most {MaxLength} characters; this one has {name.Length}.");
        }

        var labels = name.Split('.');
        if (labels.Length < 2)
        {
            return Checked<string>.Refuse($"Enter a whole name with its ending, like {name}.org or example.{name}: a single word would cover a whole top-level domain.");
        }

        foreach (var label in labels)
        {
            if (label.Length == 0)
            {
                return Checked<string>.Refuse("A domain name has no empty parts (two dots together).");
            }

            if (label.Length > MaxLabelLength)
            {
                return Checked<string>.Refuse($"Each part of a name between dots is at most {MaxLabelLength} characters; one part here has {label.Length}.");
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                var bad = label.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
                return Checked<string>.Refuse($"A domain name is letters, digits, hyphens and dots; '{bad}' cannot be part of one.");
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return Checked<string>.Refuse("No part of a domain name starts or ends with a hyphen.");
            }
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            return Checked<string>.Refuse("A domain name does not end in a number: check it is a name, like example.org.");
        }

        return Checked<string>.Ok(name, notes.Count == 0 ? null : string.Join(" ", notes));
    }

    private static bool LooksLikeAddress(string name)
        => name.Contains("://", StringComparison.Ordinal) || name.IndexOfAny(['/', '?', '#', '@']) >= 0
           || (name.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(name, out _));

    private static string? HostOf(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6)
            || uri.Scheme is not ("http" or "https" or "ftp" or "ws" or "wss"))
        {
            return null;
        }

        return uri.Host.Length == 0 ? null : uri.Host;
    }
}
