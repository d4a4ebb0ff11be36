using Microsoft.AspNetCore.HttpOverrides;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Security headers on every response. The CSP allows only the console's own scripts and connections (Blazor Server's
/// script and its WebSocket are same-origin), no inline script, and no framing by anyone. Inline styles are allowed:
/// MudBlazor sets its theme as CSS variables in a style element and positions popovers with style attributes; a style
/// cannot run code.
/// Pages are not cached: they show pupils' activity and accounts.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Sign-in and antiforgery cookies are Secure-only, so pages are served only over HTTPS: directly, or through a
    /// TLS-terminating proxy on this machine (X-Forwarded-Proto, trusted from loopback only). Plain http gets a page
    /// saying so instead of a session that cannot work. The health probe is exempt.
    /// </summary>
    public static IApplicationBuilder UseHttpsOnlyPages(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedFor });
        return app.Use((context, next) =>
            context.Request.IsHttps || context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                ? next(context)
                : StatusPages.WriteAsync(context, StatusCodes.Status400BadRequest, "Use https", "Open the console with an https:// address."));
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!headers.ContainsKey("Cache-Control"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
