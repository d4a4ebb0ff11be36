using System.Globalization;
using System.Net;
using ClassroomGuard.Console.Classroom;

namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>A device to choose: its id (never shown) and how a technician knows it.</summary>
public sealed record HistoryDevice(long Id, string Label);

/// <summary>
/// The block history's filters as typed or linked (<c>/blocks?device=ID&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>, the same
/// names for the CSV export). Every part is optional; dates are whole days in the school's time zone, both included.
/// </summary>
public sealed class BlockHistoryForm
{
    public HistoryDevice? Device { get; set; }

    public string? Pupil { get; set; }

    public string? Address { get; set; }

    public string? Domain { get; set; }

    public string? Category { get; set; }

    public string? Group { get; set; }

    public BlockRuleKind? Rule { get; set; }

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    public BlockHistoryForm Copy() => (BlockHistoryForm)MemberwiseClone();

    /// <summary>The query string of these filters (for the export and the address bar), without a leading '?'.</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
            }
        }

        Add("device", Device?.Id.ToString(CultureInfo.InvariantCulture));
        Add("pupil", Pupil);
        Add("address", Address);
        Add("domain", Domain);
        Add("category", Category);
        Add("group", Group);
        Add("rule", Rule?.ToString());
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }
}

/// <summary>The form's checks, each with the sentence shown next to its field.</summary>
public static class BlockHistoryValidation
{
    public const int MaxText = 100;

    /// <summary>The site typed, normalised ("YouTube.com." → "youtube.com"), or a problem.</summary>
    public static (string? Domain, string? Problem) Domain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        return text.Length <= 300 && FocusSites.Site(text) is { } site
            ? (site, null)
            : (null, $"'{Shorten(text)}' is not a web site's name: type it like youtube.com (its subdomains are included).");
    }

    /// <summary>The address typed, as the DNS filter writes it, or a problem.</summary>
    public static (string? Address, string? Problem) Address(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var trimmed = text.Trim();
        // IPAddress also reads "10.3.0" and "1" (inet_aton's short forms): an IPv4 address must be written in full.
        return trimmed.Length <= 45 && IPAddress.TryParse(trimmed, out var ip) && trimmed.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':')
            && (trimmed.Contains(':', StringComparison.Ordinal) || ip.ToString() == trimmed)
            ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString(), null)
            : (null, $"'{Shorten(text)}' is not an IP address: type it like 10.3.0.20.");
    }

    /// <summary>The pupil's name typed, or a problem.</summary>
    public static (string? Pupil, string? Problem) Pupil(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var trimmed = text.Trim();
        return trimmed.Length <= MaxText && !trimmed.Any(char.IsControl)
            ? (trimmed, null)
            : (null, $"Type up to {MaxText} letters of the pupil's name.");
    }

    /// <summary>A problem with the period, or null.</summary>
    public static string? Period(DateTime? from, DateTime? to)
        => from is { } f && to is { } t && f.Date > t.Date ? "The first day must not be after the last day." : null;

    /// <summary>Reads a linked or exported query into a form; problems name the parameter. Device ids are resolved by the service.</summary>
    public static bool TryRead(IReadOnlyDictionary<string, string?> query, out BlockHistoryForm form, out long? deviceId, out string? problem)
    {
        form = new BlockHistoryForm();
        deviceId = null;
        problem = null;
        string? Get(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        if (Get("device") is { } device)
        {
            if (!long.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                problem = "device must be a device's number.";
                return false;
            }

            deviceId = id;
        }

        form.Pupil = Get("pupil");
        form.Address = Get("address");
        form.Domain = Get("domain");
        form.Category = Get("category");
        form.Group = Get("group");
        if (Get("rule") is { } rule)
        {
            if (!Enum.TryParse<BlockRuleKind>(rule, ignoreCase: false, out var kind) || !Enum.IsDefined(kind) || char.IsAsciiDigit(rule[0]))
            {
                problem = "rule must be List, Deny, TeacherAction or Circumvention.";
                return false;
            }

            form.Rule = kind;
        }

        foreach (var name in (string[])["from", "to"])
        {
            if (Get(name) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    problem = name + " must be a date written yyyy-MM-dd.";
                    return false;
                }

                if (name == "from")
                {
                    form.From = day.ToDateTime(TimeOnly.MinValue);
                }
                else
                {
                    form.To = day.ToDateTime(TimeOnly.MinValue);
                }
            }
        }

        if (Period(form.From, form.To) is { } periodProblem)
        {
            problem = periodProblem;
            return false;
        }

        return true;
    }

    private static string Shorten(string text)
    {
        var oneLine = new string([.. text.Trim().Select(c => char.IsControl(c) ? ' ' : c)]);
        return oneLine.Length <= 40 ? oneLine : oneLine[..40] + "…";
    }
}
