using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace ClassroomGuard.Storage.Control;

/// <summary>
/// The DNS filter's local control channel, shared by the filter (server) and the console (client): a Unix domain socket
/// (<c>Dns:ControlSocket</c>), owner-only, one JSON request per connection ended by a newline (or by closing the sending
/// side), one JSON reply ended by a newline. The filter answers from the policy it is running, so "why is this blocked?"
/// is what the filter really does, not a second implementation of it.
/// </summary>
public static class DnsFilterControl
{
    /// <summary>The setting naming the socket.</summary>
    public const string SocketSetting = "Dns:ControlSocket";

    /// <summary>The socket's file name beside the state database when <see cref="SocketSetting"/> is unset.</summary>
    public const string DefaultFileName = "dnsfilter.sock";

    /// <summary>Largest request accepted, in bytes; a longer one is refused with an error reply.</summary>
    public const int MaxRequestBytes = 4096;

    /// <summary>Largest reply a client reads, in bytes.</summary>
    public const int MaxReplyBytes = 1024 * 1024;

    /// <summary>Longest path of a Unix domain socket on Linux (sun_path holds 108 bytes with the terminator).</summary>
    public const int MaxSocketPathBytes = 107;

    /// <summary>
    /// The socket's path: <c>Dns:ControlSocket</c> when set (set-up: <c>/run/classroomguard/dnsfilter.sock</c>), else
    /// <c>dnsfilter.sock</c> beside <c>State:Path</c>; null when neither is set (no control channel).
    /// </summary>
    public static string? SocketPathOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[SocketSetting];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var state = configuration["State:Path"];
        var directory = string.IsNullOrWhiteSpace(state) ? null : Path.GetDirectoryName(Path.GetFullPath(state));
        return directory is null ? null : Path.Combine(directory, DefaultFileName);
    }

    /// <summary>Serialises a request as one line (UTF-8, newline-terminated).</summary>
    public static byte[] Encode(ControlRequest request)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(request, ControlJson.Default.ControlRequest);
        return [.. json, (byte)'\n'];
    }

    /// <summary>Serialises a reply as one line (UTF-8, newline-terminated).</summary>
    public static byte[] Encode(ControlReply reply)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(reply, ControlJson.Default.ControlReply);
        return [.. json, (byte)'\n'];
    }

    /// <summary>Reads a request; null with <paramref name="problem"/> when it is not a well-formed one (never throws on content).</summary>
    public static ControlRequest? DecodeRequest(ReadOnlySpan<byte> utf8, out string? problem)
    {
        problem = null;
        try
        {
            var request = JsonSerializer.Deserialize(utf8, ControlJson.Default.ControlRequest);
            if (request is null)
            {
                problem = "The request is empty.";
            }

            return request;
        }
        catch (JsonException e)
        {
            problem = "The request is not valid JSON: " + e.Message;
            return null;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            problem = "The request cannot be read: " + e.Message;
            return null;
        }
    }

    /// <summary>Reads a reply; null when it is not a well-formed one.</summary>
    public static ControlReply? DecodeReply(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, ControlJson.Default.ControlReply);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>What a request asks.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ControlRequestKind>))]
public enum ControlRequestKind
{
    /// <summary>The verdict for a domain and a client at a time (<see cref="ExplainReply"/>).</summary>
    Explain,
    /// <summary>The loaded block lists (<see cref="ListsReply"/>).</summary>
    Lists,
    /// <summary>Fetch the UT1 collection and every feed now (as the daily refresh does); replies with the lists at once.</summary>
    RefreshLists,
}

/// <summary>One request to the DNS filter.</summary>
/// <param name="Kind">What is asked.</param>
/// <param name="Domain">Explain: the name, e.g. <c>poki.com</c>.</param>
/// <param name="Address">Explain: a client address (one of address, device or group).</param>
/// <param name="DeviceId">Explain: a known device.</param>
/// <param name="GroupKey">Explain: a group, as if a device of that group asked.</param>
/// <param name="At">Explain: the moment (default: now).</param>
public sealed record ControlRequest(
    ControlRequestKind Kind, string? Domain = null, string? Address = null, long? DeviceId = null, string? GroupKey = null, DateTimeOffset? At = null);

/// <summary>The reply: an error, or the answer to the request.</summary>
/// <param name="Error">Why the request could not be answered (malformed, too large, unknown device…); null on success.</param>
/// <param name="Explain">The answer to an explain request.</param>
/// <param name="Lists">The answer to a lists request.</param>
public sealed record ControlReply(string? Error = null, ExplainReply? Explain = null, ListsReply? Lists = null);

/// <summary>What the filter would do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExplainOutcome>))]
public enum ExplainOutcome
{
    /// <summary>Resolved normally.</summary>
    Allowed,
    /// <summary>Answered with a block.</summary>
    Blocked,
    /// <summary>Answered with the search engine's SafeSearch address.</summary>
    SafeSearch,
}

/// <summary>The rule that decided, in the filter's order of precedence.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExplainRule>))]
public enum ExplainRule
{
    /// <summary>An always-on list (child abuse, terrorism): nothing overrides it.</summary>
    AlwaysOn,
    /// <summary>A circumvention name (encrypted-DNS canary, private relay): always blocked.</summary>
    Circumvention,
    /// <summary>A deny entry (every group's or the client's group's).</summary>
    Deny,
    /// <summary>A teacher paused the device or its room.</summary>
    Pause,
    /// <summary>A lesson focus: the name is not on its list.</summary>
    Focus,
    /// <summary>An allow entry.</summary>
    Allow,
    /// <summary>A temporary unblock (an approved request) for the device or its room.</summary>
    TemporaryUnblock,
    /// <summary>A category the client's group blocks at that time.</summary>
    Category,
    /// <summary>SafeSearch rewrite for the group.</summary>
    SafeSearch,
    /// <summary>Nothing matched: resolved normally.</summary>
    Default,
}

/// <summary>How the client got its group (the filter's order).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GroupSource>))]
public enum GroupSource
{
    /// <summary>The device's own group (assigned through change control).</summary>
    Device,
    /// <summary>A MAC address mapping.</summary>
    Mac,
    /// <summary>An IP address mapping.</summary>
    Ip,
    /// <summary>The longest matching subnet mapping.</summary>
    Subnet,
    /// <summary>Nothing matched: the default group.</summary>
    Default,
    /// <summary>The group was asked about directly.</summary>
    Chosen,
    /// <summary>The fail-closed policy (the state database could not be read): one group for everyone.</summary>
    Fallback,
}

/// <summary>The answer to "why is this blocked?".</summary>
/// <param name="Domain">The name asked about (lower case).</param>
/// <param name="At">The moment evaluated.</param>
/// <param name="TimeZone">The school's time zone (schedules).</param>
/// <param name="Outcome">What the filter does.</param>
/// <param name="Rule">The rule that decided.</param>
/// <param name="Category">The deciding category (always-on or category block).</param>
/// <param name="RuleEntry">Deny/allow: the entry's domain; pause/focus/unblock: the action's domain, if any.</param>
/// <param name="RuleEntryGroup">Deny/allow: the entry's group, null when it applies to every group.</param>
/// <param name="ActionEnds">Pause/focus/unblock: when the teacher action ends.</param>
/// <param name="SafeSearchEngine">SafeSearch: the engine.</param>
/// <param name="Client">The client and its group.</param>
/// <param name="Listings">Every list category the name is listed in, with the listed name.</param>
/// <param name="Schedules">The group's windows for the listed categories, each saying whether it is in force then.</param>
/// <param name="BlockedCategories">Listed categories the group blocks at that time.</param>
/// <param name="Revision">The policy revision in force (-1 for the fail-closed fallback).</param>
/// <param name="Fallback">True when the fail-closed fallback is in force (the state database cannot be read).</param>
public sealed record ExplainReply(
    string Domain,
    DateTimeOffset At,
    string TimeZone,
    ExplainOutcome Outcome,
    ExplainRule Rule,
    CategoryName? Category,
    string? RuleEntry,
    GroupName? RuleEntryGroup,
    DateTimeOffset? ActionEnds,
    string? SafeSearchEngine,
    ExplainClient Client,
    IReadOnlyList<ExplainListing> Listings,
    IReadOnlyList<ExplainSchedule> Schedules,
    IReadOnlyList<CategoryName> BlockedCategories,
    long Revision,
    bool Fallback);

/// <summary>A category's key and display name.</summary>
/// <param name="Key">Key, e.g. <c>games</c>.</param>
/// <param name="Name">Display name, e.g. "Games".</param>
public sealed record CategoryName(string Key, string Name);

/// <summary>A group's key and display name.</summary>
/// <param name="Key">Key, e.g. <c>ks3</c>.</param>
/// <param name="Name">Display name, e.g. "Key stage 3".</param>
public sealed record GroupName(string Key, string Name);

/// <summary>The client the verdict is for.</summary>
/// <param name="Group">Its group.</param>
/// <param name="Source">How it got the group.</param>
/// <param name="Matched">The mapping that matched (subnet, address or MAC), when one did.</param>
/// <param name="Address">The address evaluated, when there is one.</param>
/// <param name="DeviceId">The known device, when the address is one's.</param>
/// <param name="ActionsConsidered">False when a device has no address now, so teacher actions on it could not be applied.</param>
public sealed record ExplainClient(GroupName Group, GroupSource Source, string? Matched, string? Address, long? DeviceId, bool ActionsConsidered);

/// <summary>The name is listed in a category.</summary>
/// <param name="Category">The category.</param>
/// <param name="ListedName">The listed name that matched (the name itself or a parent).</param>
/// <param name="AlwaysOn">An always-on category.</param>
/// <param name="Sources">The loaded lists feeding the category.</param>
public sealed record ExplainListing(CategoryName Category, string ListedName, bool AlwaysOn, IReadOnlyList<ListSourceName> Sources);

/// <summary>A loaded list, briefly.</summary>
/// <param name="Name">"UT1 games", or the file's name.</param>
/// <param name="Updated">The list file's modification time.</param>
public sealed record ListSourceName(string Name, DateTimeOffset? Updated);

/// <summary>A schedule window of the client's group for a listed category.</summary>
/// <param name="Category">Category.</param>
/// <param name="Allow">True: allowed during the window; false: blocked during it.</param>
/// <param name="Days">Weekday mask (Mon=1 … Sun=64).</param>
/// <param name="StartMinute">Start, minutes after local midnight.</param>
/// <param name="EndMinute">End, exclusive.</param>
/// <param name="InForce">Whether the window covers the moment asked about (term time included).</param>
/// <param name="TermTimeOnly">The window applies only on term-time days of the school calendar.</param>
public sealed record ExplainSchedule(CategoryName Category, bool Allow, int Days, int StartMinute, int EndMinute, bool InForce, bool TermTimeOnly = false);

/// <summary>The loaded lists.</summary>
/// <param name="LoadedAt">When the filter loaded them (at its start; a restart reloads them).</param>
/// <param name="FromCache">Read from the compiled cache (per-file counts are then not known).</param>
/// <param name="Names">Distinct names in all lists.</param>
/// <param name="Sources">Each list file (each UT1 folder).</param>
/// <param name="Categories">Each category with names, always-on first.</param>
/// <param name="Revision">The policy revision in force.</param>
/// <param name="Health">Version in force, must-block categories missing, refresh and feed state (null from an older filter).</param>
public sealed record ListsReply(
    DateTimeOffset LoadedAt, bool FromCache, int Names, IReadOnlyList<ListSourceInfo> Sources, IReadOnlyList<ListCategoryInfo> Categories, long Revision,
    ListsHealth? Health = null);

/// <summary>Whether the lists every school must have are in force, which version, and how refreshing goes.</summary>
/// <param name="Version">The list version in force, in words: "UT1 of 6 December 2026 (sha256 1a2b3c4d)", or "UT1 copy installed by set-up (not yet refreshed)".</param>
/// <param name="RequiredMissing">Lists every school must have in force that are not loaded (empty or missing), named as people know them: "UT1 adult", "UT1 malware", "UT1 phishing", and a configured always-on feed such as "IWF URL list". Empty = all in force.</param>
/// <param name="Refresh">The UT1 download: last attempt, last success, the problem if the last one failed, the next one. Null when fetching is off.</param>
/// <param name="Feeds">Other feeds (settings and the school's own, added in the console).</param>
public sealed record ListsHealth(string Version, IReadOnlyList<string> RequiredMissing, ListRefreshInfo? Refresh, IReadOnlyList<FeedInfo> Feeds);

/// <summary>The state of the UT1 download.</summary>
/// <param name="Url">Where it is fetched from (no credentials).</param>
/// <param name="LastAttempt">When it was last tried.</param>
/// <param name="LastSuccess">When a download last passed every check and was swapped in.</param>
/// <param name="Problem">Why the last attempt was refused or failed (the last good set stays in force); null when it succeeded.</param>
/// <param name="Next">When it will be tried next (null when refreshing is off).</param>
/// <param name="InProgress">A download or reload is running now.</param>
public sealed record ListRefreshInfo(string Url, DateTimeOffset? LastAttempt, DateTimeOffset? LastSuccess, string? Problem, DateTimeOffset? Next, bool InProgress);

/// <summary>One feed other than UT1.</summary>
/// <param name="Name">What people call it.</param>
/// <param name="Url">Where it is fetched from (no credentials).</param>
/// <param name="Category">The category its names get.</param>
/// <param name="AlwaysOn">Always-on (IWF, CTIRU): nothing can switch it off.</param>
/// <param name="FeedId">The school's own feed's id in the state (added through change control); null for a feed from the settings.</param>
/// <param name="Names">Names in the copy in force (null: never fetched).</param>
/// <param name="Fetched">When the copy in force was fetched.</param>
/// <param name="Problem">Why the last fetch was refused or failed; null when it succeeded.</param>
public sealed record FeedInfo(string Name, string Url, CategoryName Category, bool AlwaysOn, long? FeedId, int? Names, DateTimeOffset? Fetched, string? Problem);

/// <summary>One loaded list file.</summary>
/// <param name="Name">"UT1 games", or the file's name.</param>
/// <param name="Path">File path.</param>
/// <param name="Format">Plain, Hosts, AdBlock or Ut1.</param>
/// <param name="Categories">Categories its names get.</param>
/// <param name="Entries">Names read from it (null when read from the cache).</param>
/// <param name="Updated">The file's modification time (null when missing).</param>
/// <param name="Missing">The configured file or UT1 folder does not exist.</param>
public sealed record ListSourceInfo(string Name, string Path, string Format, IReadOnlyList<CategoryName> Categories, int? Entries, DateTimeOffset? Updated, bool Missing);

/// <summary>One category of the lists.</summary>
/// <param name="Category">Category.</param>
/// <param name="AlwaysOn">Always-on (child abuse, terrorism).</param>
/// <param name="Names">Distinct names listed in it (0 = no list feeds it).</param>
/// <param name="Sources">The lists feeding it.</param>
public sealed record ListCategoryInfo(CategoryName Category, bool AlwaysOn, int Names, IReadOnlyList<ListSourceName> Sources);

/// <summary>Source-generated JSON for the control channel (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 16)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlReply))]
public sealed partial class ControlJson : JsonSerializerContext;
