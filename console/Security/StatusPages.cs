using System.Text.Encodings.Web;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Small self-contained pages for refusals that happen before any page component runs (403, 429): plain,
/// readable, styled by the console's stylesheet, no script.
/// </summary>
internal static class StatusPages
{
    public static Task WriteAsync(HttpContext context, int status, string title, string message)
        => WriteAsync(context, status, title, message, null, []);

    /// <summary>A status page with a second paragraph (<paramref name="detail"/>) and links to go on to, before "Back to the console".</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The status code.</param>
    /// <param name="title">The page's heading.</param>
    /// <param name="message">Its first paragraph.</param>
    /// <param name="detail">A second paragraph, or null.</param>
    /// <param name="links">Links to go on to.</param>
    /// <param name="refreshTo">A local path the page moves to by itself at once (a meta refresh: the CSP allows no inline script), or null.</param>
    public static async Task WriteAsync(HttpContext context, int status, string title, string message, string? detail, IReadOnlyList<(string Href, string Label)> links, string? refreshTo = null)
    {
        ArgumentNullException.ThrowIfNull(links);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = HtmlEncoder.Default;
        var refresh = LocalUrls.IsLocal(refreshTo) ? $"<meta http-equiv=\"refresh\" content=\"0; url={html.Encode(refreshTo!)}\">" : string.Empty;
        var more = detail is null ? string.Empty : $"<p>{html.Encode(detail)}</p>";
        if (links.Count > 0)
        {
            more += "<p>Instead, you can open " + string.Join(", ", links.Select(l => $"<a href=\"{html.Encode(l.Href)}\">{html.Encode(l.Label)}</a>")) + ".</p>";
        }

        await context.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en-GB">
            <head><meta charset="utf-8">{refresh}<meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{html.Encode(title)} · ClassroomGuard</title><link rel="stylesheet" href="/app.css"></head>
            <body class="status-page"><main class="card narrow" role="main">
            <h1>{html.Encode(title)}</h1><p class="lead">{html.Encode(message)}</p>{more}
            <p><a class="button" href="/">Back to the console</a></p>
            </main></body></html>
            """,
            context.RequestAborted);
    }
}
