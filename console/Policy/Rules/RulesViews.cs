using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>The form fields a refusal on the rules pages can point at (property names of the form models).</summary>
public static class RulesFields
{
    public const string Value = "Value";
    public const string From = "From";
    public const string To = "To";
    public const string GroupKey = "GroupKey";
    public const string Reason = "Reason";
    public const string Ip = "Ip";
    public const string Mac = "Mac";
    public const string Domain = "Domain";
    public const string Device = "Device";
}

/// <summary>The head of the membership page: the default group, the groups to choose from and what waits for approval.</summary>
/// <param name="DefaultGroup">The default group's name.</param>
/// <param name="Groups">Groups to choose.</param>
/// <param name="Pending">Membership changes waiting for a second person.</param>
public sealed record MembershipView(string DefaultGroup, IReadOnlyList<GroupChoice> Groups, IReadOnlyList<PendingRow> Pending);

/// <summary>A subnet, IP or MAC mapping as listed.</summary>
/// <param name="Kind">How it matches (for actions; shown as <paramref name="KindText"/>).</param>
/// <param name="KindText">"Subnet", "IP address" or "MAC address".</param>
/// <param name="Value">The subnet, address or MAC.</param>
/// <param name="GroupKey">Its group's key (for the group choice; never shown).</param>
/// <param name="Group">Its group's name.</param>
/// <param name="ChangePending">A change of this mapping waits for approval.</param>
public sealed record MappingRow(ClientMappingKind Kind, string KindText, string Value, string GroupKey, string Group, bool ChangePending);

/// <summary>Filters of the mapping list.</summary>
/// <param name="Search">Part of a value or a group name.</param>
/// <param name="Kind">Only this kind, or all.</param>
public sealed record MappingFilter(string? Search, ClientMappingKind? Kind);

/// <summary>A device with a group of its own.</summary>
/// <param name="Id">Device id (for actions; never shown).</param>
/// <param name="Name">Hostname, else signed-in user, else an address.</param>
/// <param name="Addresses">Its MAC and IP addresses.</param>
/// <param name="GroupKey">Its group's key (never shown).</param>
/// <param name="Group">Its group's name.</param>
/// <param name="ChangePending">A change of its group waits for approval.</param>
public sealed record MemberDeviceRow(long Id, string Name, string Addresses, string GroupKey, string Group, bool ChangePending);

/// <summary>A device to choose (by name and addresses).</summary>
/// <param name="Id">Device id (never shown).</param>
/// <param name="Label">Name and addresses.</param>
public sealed record DeviceChoice(long Id, string Label)
{
    /// <inheritdoc />
    public override string ToString() => Label;
}

/// <summary>What the address tester answers: the group and why, or why the question cannot be answered.</summary>
/// <param name="Resolution">The answer, when the address was valid.</param>
/// <param name="Problem">Why not, or null.</param>
/// <param name="Field">The field the problem concerns.</param>
public sealed record AddressTestOutcome(GroupResolution? Resolution, string? Problem, string? Field);

/// <summary>The head of the allow/deny page: the groups to choose and what waits for approval.</summary>
public sealed record DomainsView(IReadOnlyList<GroupChoice> Groups, IReadOnlyList<PendingRow> Pending);

/// <summary>An allow or deny entry as listed.</summary>
/// <param name="Domain">The domain (covers every name under it).</param>
/// <param name="Action">Allow or deny (for actions).</param>
/// <param name="Effect">"Always allowed" or "Always blocked".</param>
/// <param name="GroupKey">Its group's key, or null for every group (never shown).</param>
/// <param name="AppliesTo">"Every group" or the group's name.</param>
/// <param name="Reason">Why, as the proposer wrote it; or a sentence saying it is not on record.</param>
/// <param name="Approved">Who proposed and who approved it, and when; or a sentence saying it is not on record.</param>
/// <param name="ChangePending">A change of this entry waits for approval.</param>
public sealed record DomainRuleRow(string Domain, RuleAction Action, string Effect, string? GroupKey, string AppliesTo, string Reason, string Approved, bool ChangePending);

/// <summary>Filters of the allow/deny list.</summary>
/// <param name="Search">Part of a domain or a reason.</param>
/// <param name="Action">Only allow or only deny entries, or both.</param>
public sealed record DomainRuleFilter(string? Search, RuleAction? Action);
