using System.Text.RegularExpressions;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>
/// Every administrative audit key written anywhere (console and storage) and the sentence it becomes on the audit
/// page: "Tom Jones created the account 'jsmith' with the role Teacher". A test scans the source for the keys
/// written and fails when one has no sentence here.
/// </summary>
public static partial class AuditSentences
{
    /// <summary>The kinds of action the audit page filters by: a key prefix and its name.</summary>
    public static IReadOnlyList<(string Prefix, string Name)> Kinds { get; } =
    [
        ("user.", "Accounts and passwords"),
        ("site.", "Sites"),
        ("room.", "Rooms"),
        ("device.", "Devices"),
        ("token.", "Enrolment tokens"),
        ("teacher.", "Teachers' rooms"),
        ("focus_list.", "Lesson focus lists"),
        ("blocks.", "Block history downloads"),
        ("report.", "Report downloads"),
        ("display.", "Classroom displays"),
    ];

    private static readonly Dictionary<string, Func<Facts, string>> Sentences = new(StringComparer.Ordinal)
    {
        ["user.create"] = f => $"{f.Actor} created the account {f.Quoted} with the role{Plural(f.Roles)} {f.Roles}",
        ["user.roles"] = f => $"{f.Actor} changed the roles of {f.Quoted} to {f.Roles}",
        ["user.disable"] = f => $"{f.Actor} disabled the account {f.Quoted} (they cannot sign in)",
        ["user.enable"] = f => $"{f.Actor} enabled the account {f.Quoted} again",
        ["user.password_reset"] = f => $"{f.Actor} reset the password of {f.Quoted} (they choose a new one at their next sign-in)",
        ["user.email"] = f => f.Detail == "removed" ? $"{f.Actor} removed the e-mail address of {f.Quoted}" : $"{f.Actor} set the e-mail address of {f.Quoted}",
        ["user.password_change"] = f => $"{f.Actor} changed their own password",
        ["site.create"] = f => $"{f.Actor} added the site {f.Quoted}",
        ["room.create"] = f => $"{f.Actor} added the room {f.Quoted}{f.OnSite}",
        ["room.remove"] = f => $"{f.Actor} removed the room {f.Quoted}{f.OnSite}",
        ["device.add"] = f => $"{f.Actor} added the device {f.Quoted} by hand",
        ["device.room"] = f => f.Detail == "no room"
            ? $"{f.Actor} took the device {f.Quoted} out of its room"
            : $"{f.Actor} put the device {f.Quoted} in the room {QuotedIn(f.Detail) ?? "(unknown)"}",
        ["token.create"] = f => $"{f.Actor} made an agent enrolment token{f.Hint} for the room {f.Quoted}",
        ["token.revoke"] = f => $"{f.Actor} revoked the agent enrolment token{f.Hint} of the room {f.Quoted}",
        ["device.agent_reset"] = f => $"{f.Actor} reset the agent of the device {f.Quoted}, so that it can be enrolled again",
        ["teacher.room.assign"] = f => $"{f.Actor} gave {f.Quoted} the room {QuotedIn(f.Detail) ?? "(unknown)"}",
        ["teacher.room.unassign"] = f => $"{f.Actor} took the room {QuotedIn(f.Detail) ?? "(unknown)"} from {f.Quoted}",
        ["focus_list.create"] = f => $"{f.Actor} saved the lesson focus list {f.Quoted}{f.Sites}",
        ["focus_list.update"] = f => $"{f.Actor} changed the lesson focus list {f.Quoted}{f.Sites}",
        ["focus_list.delete"] = f => $"{f.Actor} deleted the lesson focus list {f.Quoted}",
        ["blocks.export"] = f => $"{f.Actor} downloaded the block history as a CSV file ({f.Detail})",
        ["display.issue"] = f => $"{f.Actor} issued the classroom display credential {QuotedIn(f.Detail) ?? "(unnamed)"} for the room {f.Quoted}",
        ["display.revoke"] = f => $"{f.Actor} revoked the classroom display credential {QuotedIn(f.Detail) ?? "(unnamed)"} of the room {f.Quoted}",
        ["report.download"] = f => $"{f.Actor} downloaded {f.Target}{(f.Detail == "generated now" ? ", generated for them" : string.Empty)}",
    };

    /// <summary>Every key that has a sentence.</summary>
    public static IReadOnlyCollection<string> Keys => Sentences.Keys;

    /// <summary>The name of the kind of <paramref name="action"/> ("Accounts and passwords").</summary>
    public static string KindOf(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Kinds.FirstOrDefault(k => action.StartsWith(k.Prefix, StringComparison.Ordinal)).Name ?? "Other";
    }

    /// <summary>The entry as a sentence, naming the actor by <paramref name="actorName"/> (their full name).</summary>
    public static string Describe(AuditEntry entry, string actorName)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var facts = new Facts(actorName, entry.Target, entry.Detail);
        return Sentences.TryGetValue(entry.Action, out var sentence)
            ? sentence(facts) + "."
            : $"{actorName} did something this console has no words for yet ({entry.Action} on {entry.Target}).";
    }

    private static string Plural(string roles) => roles.Contains(" and ", StringComparison.Ordinal) ? "s" : string.Empty;

    private static string? QuotedIn(string text) => Quote().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex("'.*'", RegexOptions.CultureInvariant)]
    private static partial Regex Quote();

    [GeneratedRegex(@"token …(?<hint>\S{4})", RegexOptions.CultureInvariant)]
    private static partial Regex TokenHint();

    /// <summary>What an entry's target and detail say, picked apart for the sentences.</summary>
    private sealed record Facts(string Actor, string Target, string Detail)
    {
        /// <summary>The quoted name in the target ("'jsmith'"); older entries named a device by number only.</summary>
        public string Quoted => QuotedIn(Target) ?? (Target.StartsWith("device ", StringComparison.Ordinal) ? "(not named)" : Target);

        /// <summary>The roles a detail "roles Teacher, Governor" names, in words.</summary>
        public string Roles => RoleNames.FromAuditText(Detail.StartsWith("roles ", StringComparison.Ordinal) ? Detail[6..] : Detail);

        /// <summary>" on the site 'Main'" when the detail names the site.</summary>
        public string OnSite => QuotedIn(Detail) is { } site && Detail.StartsWith("site ", StringComparison.Ordinal) ? $" on the site {site}" : string.Empty;

        /// <summary>" (sites: a, b)" when the detail lists a focus list's sites.</summary>
        public string Sites => Detail.Length == 0 ? string.Empty : $" (sites: {Detail})";

        /// <summary>" ending …abcd" when the detail names a token.</summary>
        public string Hint => TokenHint().Match(Detail) is { Success: true } m ? $" ending …{m.Groups["hint"].Value}" : string.Empty;
    }
}
