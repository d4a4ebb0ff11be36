using System.Net;

namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>
/// Candidate names for the built-in check, read from the start of a list file the DNS filter reports in force (the
/// filter keeps only fingerprints of listed names, so it cannot hand names back). This is no list parser: a line gives
/// its first token that looks like a domain name (a plain list's name, a hosts line's name after the address, an
/// AdBlock <c>||name^</c> rule), and the filter itself then confirms each candidate is listed in the category before it
/// counts as a sample — a line read wrongly is simply not used.
/// </summary>
internal static class ListSamples
{
    /// <summary>Most lines read from one file (the samples come from its start; a list is never read whole).</summary>
    public const int MaxLines = 2000;

    /// <summary>Candidates returned, at most.</summary>
    public const int MaxCandidates = 12;

    /// <summary>Candidate names from the file's first lines; the reason when it cannot be read.</summary>
    public static (IReadOnlyList<string> Names, string? Problem) Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return (FromLines(Lines(reader)), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ([], e.Message);
        }
    }

    /// <summary>Candidate names from lines of a list, at most <see cref="MaxCandidates"/>, each once.</summary>
    public static IReadOnlyList<string> FromLines(IEnumerable<string> lines)
    {
        var names = new List<string>();
        foreach (var line in lines.Take(MaxLines))
        {
            if (Candidate(line) is { } name && !names.Contains(name))
            {
                names.Add(name);
                if (names.Count == MaxCandidates)
                {
                    break;
                }
            }
        }

        return names;
    }

    /// <summary>The first token of <paramref name="line"/> that looks like a domain name, lower case; null for comments and anything else.</summary>
    public static string? Candidate(string line)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty || text[0] is '#' or '!' or '[' or '@')
        {
            return null;
        }

        foreach (var range in text.SplitAny(' ', '\t'))
        {
            var token = text[range];
            if (token.StartsWith("||"))
            {
                token = token[2..];
            }

            if (token.EndsWith("^"))
            {
                token = token[..^1];
            }

            token = token.TrimStart("*.").TrimStart('.').TrimEnd('.');
            if (LooksLikeName(token))
            {
                return token.ToString().ToLowerInvariant();
            }
        }

        return null;
    }

    private static bool LooksLikeName(ReadOnlySpan<char> token)
    {
        if (token.Length is < 3 or > 253 || !token.Contains('.') || token.Contains("..", StringComparison.Ordinal) || IPAddress.TryParse(token, out _))
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Lines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
