namespace ClassroomGuard.Console.Security;

/// <summary>Where a form may send the browser back to: a path on this console only, never another site (open redirect).</summary>
internal static class LocalUrls
{
    /// <summary>
    /// Whether <paramref name="url"/> is a path on this console: it starts with one <c>/</c> (not <c>//</c> or <c>/\</c>,
    /// which browsers take for another host) and is a well-formed relative URI, which also refuses the tab and newline
    /// characters a browser strips (<c>/&#9;/evil.example</c> would become <c>//evil.example</c>).
    /// </summary>
    public static bool IsLocal(string? url)
        => url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && Uri.IsWellFormedUriString(url, UriKind.Relative);

    /// <summary><paramref name="url"/> when it is local, else <paramref name="fallback"/>.</summary>
    public static string OrElse(string? url, string fallback) => IsLocal(url) ? url! : fallback;
}
