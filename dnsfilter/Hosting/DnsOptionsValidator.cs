using System.Net;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Hosting;

/// <summary>Checks what data annotations cannot: endpoints parse, at least one upstream, sane timeouts. Messages name the setting.</summary>
internal sealed class DnsOptionsValidator : IValidateOptions<DnsOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Listen.Count; i++)
        {
            if (!TryParseEndpoint(options.Listen[i], null, out _))
            {
                failures.Add($"Dns:Listen:{i} '{options.Listen[i]}' is not an address:port (e.g. 0.0.0.0:53 or [::]:53).");
            }
        }

        if (options.Upstreams.Count == 0)
        {
            failures.Add("Dns:Upstreams must list at least one upstream resolver (e.g. --Dns:Upstreams:0=192.0.2.53).");
        }

        for (var i = 0; i < options.Upstreams.Count; i++)
        {
            if (!TryParseEndpoint(options.Upstreams[i], 53, out var endpoint) || endpoint.Port == 0)
            {
                failures.Add($"Dns:Upstreams:{i} '{options.Upstreams[i]}' is not an IP address with an optional port (e.g. 192.0.2.53 or [2001:db8::53]:53).");
            }
        }

        CheckPositive(failures, "Dns:TcpIdleTimeout", options.TcpIdleTimeout);
        CheckPositive(failures, "Dns:TcpReadTimeout", options.TcpReadTimeout);
        CheckPositive(failures, "Dns:TcpWriteTimeout", options.TcpWriteTimeout);
        CheckPositive(failures, "Dns:UpstreamTimeout", options.UpstreamTimeout);
        if (options.CacheMinTtl > options.CacheMaxTtl)
        {
            failures.Add("Dns:CacheMinTtl must not exceed Dns:CacheMaxTtl.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Parses <c>address:port</c>, <c>[v6]:port</c>, or (with a default port) a bare address.</summary>
    public static bool TryParseEndpoint(string? text, int? defaultPort, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (defaultPort is { } port && IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            endpoint = new IPEndPoint(bare, port);
            return true;
        }

        // IPEndPoint.TryParse accepts "::1" as address without port; require an explicit port for IPv6 then.
        var hasPort = text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;
        if (!hasPort || !IPEndPoint.TryParse(text, out var parsed))
        {
            return false;
        }

        endpoint = parsed;
        return true;
    }

    private static void CheckPositive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{setting} must be between 00:00:00.001 and 00:10:00 (was {value}).");
        }
    }
}
