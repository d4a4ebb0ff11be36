using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>
/// Renders a report's Razor view statically (ASP.NET Core's <see cref="HtmlRenderer"/>, with the console's own services
/// in a scope of their own) into one complete, self-contained HTML document: the stylesheets inlined, a content security
/// policy that allows no script and no fetch but <c>data:</c> images and fonts, nothing linked from outside.
/// </summary>
internal sealed class ReportHtmlWriter(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    // Defence in depth: Chromium also runs with JavaScript off and refuses every request but the document itself.
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

    /// <summary>
    /// Writes the document for <paramref name="component"/> with <paramref name="parameters"/> to <paramref name="writer"/>,
    /// with <c>report.css</c> and <paramref name="kindStylesheet"/> inlined. The view's markup goes straight from the
    /// renderer's tree to the writer (a file), never into one string.
    /// </summary>
    public async Task WriteAsync(Type component, IReadOnlyDictionary<string, object?> parameters, string title, string? kindStylesheet, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync(component, ParameterView.FromDictionary(parameters.ToDictionary()));
            await writer.WriteAsync("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
            await writer.WriteAsync($"<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">\n");
            await writer.WriteAsync($"<title>{WebUtility.HtmlEncode(title)}</title>\n");
            foreach (var name in (string?[])[ReportStyles.Shared, kindStylesheet])
            {
                if (name is null)
                {
                    continue;
                }

                var css = ReportStyles.Read(name);
                if (css is null)
                {
                    PrintingLog.StylesheetMissing(loggers.CreateLogger<ReportHtmlWriter>(), name);
                    continue;
                }

                // "</style" cannot occur inside a style element; our own files never hold it, but be sure.
                await writer.WriteAsync($"<style data-file=\"{name}\">\n{css.Replace("</style", "<\\/style", StringComparison.OrdinalIgnoreCase)}\n</style>\n");
            }

            await writer.WriteAsync("</head>\n<body class=\"report-print\">\n");
            output.WriteHtmlTo(writer);
            await writer.WriteAsync("\n</body>\n</html>\n");
        });
    }
}
