using System.Globalization;
using System.Net;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Classroom;

/// <summary>
/// Reads the sites a person types or pastes for lesson focus (a technician's saved list, a teacher's few sites): names
/// separated by commas, spaces or new lines; a pasted address such as <c>https://www.bbc.co.uk/bitesize</c> counts as its
/// site (<c>www.bbc.co.uk</c>). Each must be a web site's name; the first that is not is named in the answer.
/// </summary>
internal static class FocusSites
{
    private static readonly char[] Separators = [',', ' ', '\n', '\r', '\t', ';'];

    /// <summary>The sites, lower-case, without repeats; or why not.</summary>
    public static (IReadOnlyList<string> Sites, string? Problem) Parse(string? text)
    {
        var sites = new List<string>();
        foreach (var raw in (text ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Site(raw) is not { } site)
            {
                return ([], $"'{Shorten(raw)}' is not a web site's name: type it like bbc.co.uk (a pasted address works too).");
            }

            if (!sites.Contains(site))
            {
                sites.Add(site);
            }
        }

        if (sites.Count == 0)
        {
            return ([], "Type at least one site, like bbc.co.uk.");
        }

        return sites.Count > FocusListRepository.MaxDomains
            ? ([], $"At most {FocusListRepository.MaxDomains} sites: a lesson needs a few.")
            : (sites, null);
    }

    /// <summary>One site's name, or null when <paramref name="raw"/> is not one.</summary>
    public static string? Site(string raw)
    {
        var text = raw.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return null;
            }

            text = url.IdnHost;
        }

        text = text.TrimEnd('.').ToLowerInvariant();
        if (text.StartsWith("*.", StringComparison.Ordinal))
        {
            text = text[2..]; // subdomains are always included
        }

        if (text.Length is < 3 or > 253 || IPAddress.TryParse(text, out _))
        {
            return null;
        }

        var labels = text.Split('.');
        if (labels.Length < 2 || !labels[^1].All(char.IsAsciiLetter) && !labels[^1].StartsWith("xn--", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return null;
            }
        }

        return text;
    }

    /// <summary>"bbc.co.uk, nasa.gov and 3 more" for a sentence.</summary>
    public static string Describe(IReadOnlyList<string> sites, int shown = 3)
        => sites.Count <= shown
            ? string.Join(", ", sites)
            : string.Join(", ", sites.Take(shown)) + string.Create(CultureInfo.InvariantCulture, $" and {sites.Count - shown} more");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
