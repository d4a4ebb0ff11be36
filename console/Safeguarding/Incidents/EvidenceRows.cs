using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>A name and its count in a per-second top list (queries for DNS, bytes for sites).</summary>
/// <param name="Name">Host name.</param>
/// <param name="Count">Queries or bytes.</param>
public sealed record EvidenceName(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("n")] long Count);

/// <summary>
/// One row of an incident's evidence, as stored in <c>incident_evidence.rows</c> (a JSON array, oldest first): a second
/// of DNS activity (<c>kind</c> "dns": queries, blocked, the names asked), a blocked query ("block": domain, category
/// key, rule, reason) or a second of traffic ("net": bytes, the busiest sites).
/// </summary>
public sealed record EvidenceRow(
    [property: JsonPropertyName("at")] long At,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("queries")] long? Queries = null,
    [property: JsonPropertyName("blocked")] long? Blocked = null,
    [property: JsonPropertyName("bytes")] long? Bytes = null,
    [property: JsonPropertyName("top")] IReadOnlyList<EvidenceName>? Top = null,
    [property: JsonPropertyName("domain")] string? Domain = null,
    [property: JsonPropertyName("category")] string? Category = null,
    [property: JsonPropertyName("rule")] string? Rule = null,
    [property: JsonPropertyName("reason")] string? Reason = null)
{
    /// <summary>A second of DNS activity.</summary>
    public const string Dns = "dns";

    /// <summary>A blocked query.</summary>
    public const string Block = "block";

    /// <summary>A second of traffic.</summary>
    public const string Net = "net";
}

/// <summary>Reading and writing the evidence rows, and the top lists the DNS filter and the sniffer write.</summary>
public static class EvidenceRows
{
    /// <summary>At most this many names are kept of one second's top list (the writers send five).</summary>
    public const int MaxNames = 10;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The rows as stored.</summary>
    public static string Serialize(IReadOnlyList<EvidenceRow> rows) => JsonSerializer.Serialize(rows, Json);

    /// <summary>The stored rows, or null when the text is not an array of rows (never thrown: the page says it cannot be read).</summary>
    public static IReadOnlyList<EvidenceRow>? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var rows = JsonSerializer.Deserialize<List<EvidenceRow?>>(json, Json);
            return rows is null || rows.Any(r => r?.Kind is null) ? null : rows.OfType<EvidenceRow>().ToList();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// "name=count,name=count" (dnsfilter's <c>top_domains</c>, the sniffer's <c>top_sites</c>) as names with counts,
    /// biggest first, at most <see cref="MaxNames"/>. Parts without a name or with a count that is not a whole number ≥ 0
    /// are left out; nothing throws.
    /// </summary>
    public static IReadOnlyList<EvidenceName> TopList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        var names = new List<EvidenceName>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            if (eq <= 0 || !long.TryParse(part.AsSpan(eq + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                continue;
            }

            var name = part[..eq].Trim();
            if (name.Length > 0 && name.Length <= 253)
            {
                names.Add(new EvidenceName(name, count));
            }
        }

        return names.OrderByDescending(n => n.Count).Take(MaxNames).ToList();
    }
}
