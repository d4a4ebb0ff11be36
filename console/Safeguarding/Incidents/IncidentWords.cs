using System.Globalization;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>The sentences and names the incident pages show: never a stored key.</summary>
public static class IncidentWords
{
    /// <summary>What a teacher can say they saw, in the tile's dialog (the first is the default).</summary>
    public static readonly IReadOnlyList<string> WhatSeen = ["Unsuitable site on screen", "Upsetting content", "Someone else's account", "Other"];

    /// <summary>The choice that needs a note (it says nothing by itself).</summary>
    public const string Other = "Other";

    private static readonly CultureInfo English = CultureInfo.InvariantCulture; // invariant globalisation: English day and month names

    /// <summary>"Raised", "In progress", "Closed".</summary>
    public static string Status(IncidentStatus status) => status switch
    {
        IncidentStatus.Open => "Raised",
        IncidentStatus.Investigating => "In progress",
        _ => "Closed",
    };

    /// <summary>What a step of the chronology did, as a heading: "Raised", "Action taken", "Moved to In progress".</summary>
    public static string Step(IncidentEventKind kind, IncidentStatus? status) => kind switch
    {
        IncidentEventKind.Raised => "Raised",
        IncidentEventKind.Action => "Action taken",
        IncidentEventKind.Outcome => "Outcome",
        IncidentEventKind.Note => "Note",
        _ => status is { } s ? (s == IncidentStatus.Closed ? "Closed" : $"Moved to {Status(s)}") : "Status changed",
    };

    /// <summary>A step's kind as the log line says it ("an action", "an outcome", "a note").</summary>
    public static string StepNoun(IncidentEventKind kind) => kind switch
    {
        IncidentEventKind.Action => "an action",
        IncidentEventKind.Outcome => "an outcome",
        IncidentEventKind.Note => "a note",
        _ => "a status change",
    };

    /// <summary>"Monday 7 December 2026 at 09:14" in the school's time zone.</summary>
    public static string When(DateTimeOffset local) => local.ToString("dddd d MMMM yyyy 'at' HH:mm", English);

    /// <summary>"Mon 7 Dec 2026, 09:14" in the school's time zone (tables).</summary>
    public static string Short(DateTimeOffset local) => local.ToString("ddd d MMM yyyy, HH:mm", English);

    /// <summary>"Monday 7 December 2026".</summary>
    public static string Day(DateTimeOffset local) => local.ToString("dddd d MMMM yyyy", English);

    /// <summary>"09:14:03".</summary>
    public static string Second(DateTimeOffset local) => local.ToString("HH:mm:ss", English);

    /// <summary>The category's name from the categories table, else the key made readable ("self harm").</summary>
    public static string? Category(string? key, IReadOnlyDictionary<string, string> names)
        => key is null ? null : names.TryGetValue(key, out var name) ? name : key.Replace('_', ' ');

    /// <summary>Why the DNS filter blocked a name, in words ("listed under tiktok.com", "on the school's deny list").</summary>
    public static string Rule(string? rule, string? reason)
    {
        var (kind, detail) = rule?.IndexOf(':', StringComparison.Ordinal) is int colon and > 0 ? (rule[..colon], rule[(colon + 1)..]) : (reason?.ToLowerInvariant() ?? "", "");
        return kind switch
        {
            "list" => detail.Length == 0 ? "on a blocklist" : $"on a blocklist (as {detail})",
            "deny" => detail.Length == 0 ? "on the school's deny list" : $"on the school's deny list (as {detail})",
            "pause" => "internet paused by a teacher",
            "focus" => "not on the lesson focus list",
            "circumvention" => detail.Length == 0 ? "a way around the filter" : $"a way around the filter ({detail})",
            "category" => "in a blocked category",
            _ => "blocked by the filter",
        };
    }

    /// <summary>"1.2 MB", "340 kB", "900 bytes".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000 => (bytes / 1_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        >= 1_000 => (bytes / 1_000d).ToString("0", CultureInfo.InvariantCulture) + " kB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
