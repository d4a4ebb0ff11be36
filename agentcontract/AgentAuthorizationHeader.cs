using System.Globalization;

namespace ClassroomGuard.AgentContract;

/// <summary>
/// The agent credential as carried on the hub's upgrade request: <c>Authorization: Bearer &lt;agentId&gt;.&lt;secret&gt;</c>.
/// </summary>
public static class AgentAuthorizationHeader
{
    /// <summary>The header value's prefix (scheme and its space).</summary>
    public const string BearerPrefix = "Bearer ";

    /// <summary>The <c>Authorization</c> header value for a credential.</summary>
    public static string Format(long agentId, string secret) => string.Create(CultureInfo.InvariantCulture, $"{BearerPrefix}{agentId}.{secret}");

    /// <summary>True when <paramref name="header"/> is a bearer value at all (another scheme is not the agent's to judge).</summary>
    public static bool IsBearer(string? header) => header is not null && header.StartsWith(BearerPrefix, StringComparison.Ordinal);

    /// <summary>Splits a bearer value into id and secret; false when it is malformed.</summary>
    public static bool TryParse(string header, out long agentId, out string secret)
    {
        ArgumentNullException.ThrowIfNull(header);
        agentId = 0;
        secret = string.Empty;
        if (!IsBearer(header))
        {
            return false;
        }

        var value = header.AsSpan(BearerPrefix.Length).Trim();
        var dot = value.IndexOf('.');
        if (dot <= 0 || !long.TryParse(value[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out agentId))
        {
            agentId = 0;
            return false;
        }

        secret = value[(dot + 1)..].ToString();
        return true;
    }
}
