using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>
/// The block page's setting, <c>Console:BlockPageListen</c>: a plain-HTTP address such as <c>http://0.0.0.0:8080</c>,
/// or unset (default) for no block page. The DNS filter's <c>BlockPage</c> answer sends blocked names to the appliance;
/// a browser asking it over HTTP gets the page (HTTPS cannot be answered for another site's name).
/// </summary>
public sealed class BlockPageOptions
{
    public string? BlockPageListen { get; set; }

    /// <summary>The address and port, or null when off; throws naming the setting when malformed.</summary>
    public IPEndPoint? EndPoint()
    {
        if (string.IsNullOrWhiteSpace(BlockPageListen))
        {
            return null;
        }

        if (!Uri.TryCreate(BlockPageListen, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/"
            || !IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) || uri.Port == 0)
        {
            throw new OptionsValidationException("Console", typeof(BlockPageOptions),
                [$"Console:BlockPageListen '{BlockPageListen}' must look like http://0.0.0.0:8080 (plain http, an IP address, a port; no path), or be unset for no block page."]);
        }

        return new IPEndPoint(address, uri.Port);
    }
}

/// <summary>Adds the block page's plain-HTTP listener to Kestrel when <c>Console:BlockPageListen</c> is set.</summary>
internal sealed class BlockPageKestrel(IOptions<BlockPageOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (options.Value.EndPoint() is { } endPoint)
        {
            kestrel.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http1);
        }
    }
}

/// <summary>Answers every request on the block page's port before the console's pipeline (no sign-in, no HTTPS redirect).</summary>
internal sealed class BlockPageStartupFilter(IOptions<BlockPageOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.EndPoint() is { } endPoint)
        {
            var page = app.ApplicationServices.GetRequiredService<BlockPage>();
            app.Use(async (context, following) =>
            {
                if (context.Connection.LocalPort == endPoint.Port)
                {
                    await page.AnswerAsync(context);
                }
                else
                {
                    await following(context);
                }
            });
        }

        next(app);
    };
}

/// <summary>
/// The page a browser gets for a blocked site: that it is blocked, why (asked of the running DNS filter for the
/// requesting address: the category in words, a pause or focus with its end), the group's own words
/// (<see cref="GroupPolicy.BlockPageText"/>) and the monitoring notice. It names no device, address or key. At most
/// <see cref="MaxAtOnce"/> are explained at once; beyond that (a flood of blocked requests) the page is shown without a
/// reason rather than queueing.
/// </summary>
internal sealed class BlockPage(DnsFilterClient filter, StateStore store, SchoolClock clock)
{
    public const int MaxAtOnce = 8;

    private static readonly TimeSpan TextCacheLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VersionCacheLifetime = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim slots = new(MaxAtOnce, MaxAtOnce);
    private GroupTexts? texts;
    private ListsVersion? version;

    public async Task AnswerAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Request.Host.Host;
        var domain = host.Length is > 0 and <= 253 ? FocusSites.Site(host) : null;
        var address = context.Connection.RemoteIpAddress is { } remote ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote) : null;
        string? reason = null;
        string? groupText = null;
        string? listsVersion = Volatile.Read(ref version)?.Text;
        if (domain is not null && address is not null && await slots.WaitAsync(0, context.RequestAborted))
        {
            try
            {
                var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Explain, domain, Address: address.ToString()), context.RequestAborted);
                if (answer.Reply?.Explain is { } explain)
                {
                    reason = Reason(explain);
                    groupText = await GroupTextAsync(explain.Client.Group.Key, context.RequestAborted);
                }

                listsVersion = await ListsVersionAsync(context.RequestAborted);
            }
            finally
            {
                slots.Release();
            }
        }

        var html = Render(domain ?? "This site", reason, groupText, listsVersion);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
        }
    }

    /// <summary>Why, for a pupil or a member of staff: the category in words, never a key.</summary>
    internal string? Reason(ExplainReply e)
    {
        string? Until() => e.ActionEnds is { } end ? " until " + clock.Local(end).ToString("HH:mm", CultureInfo.InvariantCulture) : "";
        return (e.Outcome, e.Rule) switch
        {
            (ExplainOutcome.Blocked, ExplainRule.AlwaysOn) => $"It is on the list of {e.Category?.Name ?? "illegal content"}, which is blocked for everyone, always.",
            (ExplainOutcome.Blocked, ExplainRule.Category) => $"It is in the {e.Category?.Name ?? "blocked"} category, which is blocked for {e.Client.Group.Name} at this time.",
            (ExplainOutcome.Blocked, ExplainRule.Deny) => "The school has blocked this site.",
            (ExplainOutcome.Blocked, ExplainRule.Pause) => $"Your teacher has paused the internet on this device{Until()}.",
            (ExplainOutcome.Blocked, ExplainRule.Focus) => $"Your class is in a lesson focus{Until()}: only the lesson's sites work.",
            (ExplainOutcome.Blocked, ExplainRule.Circumvention) => "It is used to get round the school's filtering.",
            (ExplainOutcome.Blocked, _) => null,
            _ => "It is not blocked now: close this page and try again in a minute.",
        };
    }

    private async Task<string?> GroupTextAsync(string groupKey, CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref texts);
        if (cached is null || clock.Now - cached.Read > TextCacheLifetime)
        {
            var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
            cached = new GroupTexts(clock.Now, snapshot.Groups.ToDictionary(g => g.Key, g => g.BlockPageText, StringComparer.Ordinal));
            Volatile.Write(ref texts, cached);
        }

        return cached.Texts.GetValueOrDefault(groupKey);
    }

    /// <summary>"UT1 of 6 December 2026" (asked of the filter at most every five minutes), or null when it does not say.</summary>
    private async Task<string?> ListsVersionAsync(CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref version);
        if (cached is null || clock.Now - cached.Read > VersionCacheLifetime)
        {
            var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Lists), cancellationToken);
            // A version that says there is none ("No UT1 lists") is for the technician's pages, not for a pupil's.
            var text = answer.Reply?.Lists?.Health?.Version is { Length: > 0 } v && !v.StartsWith("No ", StringComparison.OrdinalIgnoreCase)
                ? Lists.ListsHealthWords.ShortVersion(v) : null;
            cached = new ListsVersion(clock.Now, text);
            Volatile.Write(ref version, cached);
        }

        return cached.Text;
    }

    internal static string Render(string site, string? reason, string? groupText, string? listsVersion = null)
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Blocked · ClassroomGuard</title><style>")
            .Append("body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1b2430;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}")
            .Append("main{background:#fff;max-width:40rem;margin:1rem;padding:2rem 2.5rem;border-radius:8px;border-top:6px solid #b3261e;box-shadow:0 1px 4px rgba(0,0,0,.15)}")
            .Append("h1{font-size:1.8rem;margin:0 0 .75rem}p{font-size:1.1rem;line-height:1.5}.site{font-weight:600;word-break:break-all}")
            .Append(".school{border-left:4px solid #0b57d0;padding-left:1rem}.notice{font-size:.9rem;color:#4a5562;border-top:1px solid #dde3ea;padding-top:1rem;margin-top:1.5rem}.lists{font-size:.8rem;color:#4a5562;margin:.5rem 0 0}")
            .Append("</style></head><body><main>")
            .Append("<h1>This site is blocked</h1>")
            .Append("<p><span class=\"site\">").Append(e.Encode(site)).Append("</span> is blocked by the school's internet filter.</p>");
        if (reason is not null)
        {
            html.Append("<p>").Append(e.Encode(reason)).Append("</p>");
        }

        html.Append("<p class=\"school\">")
            .Append(e.Encode(string.IsNullOrWhiteSpace(groupText) ? "If you need this site for your work, ask your teacher: they can ask for it to be opened for your lesson." : groupText))
            .Append("</p>")
            .Append("<p class=\"notice\"><strong>This system is monitored.</strong> Use of the school network is recorded to keep pupils safe, ")
            .Append("in line with the school's e-safety and data protection policies.</p>");
        if (!string.IsNullOrWhiteSpace(listsVersion))
        {
            html.Append("<p class=\"lists\">Lists: ").Append(e.Encode(listsVersion)).Append("</p>");
        }

        html.Append("</main></body></html>");
        return html.ToString();
    }

    private sealed record ListsVersion(DateTimeOffset Read, string? Text);

    private sealed record GroupTexts(DateTimeOffset Read, IReadOnlyDictionary<string, string?> Texts);
}
