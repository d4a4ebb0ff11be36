using System.Text.Json.Serialization;

namespace ClassroomGuard.AgentContract;

// JSON names are fixed here by attribute, not by either side's serializer settings, so the wire format cannot change
// when one side changes its options.

/// <summary>An agent's enrolment request (<c>POST</c> <see cref="AgentRoutes.Enrol"/>).</summary>
/// <param name="Token">The room's enrolment token.</param>
/// <param name="Hostname">The device's hostname.</param>
/// <param name="Macs">Its MAC addresses (the first identifies the device: agents send them sorted).</param>
/// <param name="Ips">Its IP addresses.</param>
/// <param name="User">The signed-in user, if any.</param>
public sealed record EnrolmentRequest(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("macs")] string[]? Macs,
    [property: JsonPropertyName("ips")] string[]? Ips,
    [property: JsonPropertyName("user")] string? User);

/// <summary>The console's answer to a successful enrolment; the secret is never sent again.</summary>
/// <param name="AgentId">Credential id.</param>
/// <param name="Secret">Credential secret.</param>
/// <param name="RoomId">The token's room.</param>
public sealed record EnrolmentAnswer(
    [property: JsonPropertyName("agentId")] long AgentId,
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("roomId")] long RoomId);

/// <summary>What an agent reports in each heartbeat (<see cref="AgentHubMethods.Heartbeat"/>).</summary>
/// <param name="Hostname">Hostname.</param>
/// <param name="Macs">MAC addresses (sorted; the first identifies the device).</param>
/// <param name="Ips">IP addresses.</param>
/// <param name="User">Signed-in user, if any.</param>
public sealed record AgentHeartbeat(
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("macs")] string[]? Macs,
    [property: JsonPropertyName("ips")] string[]? Ips,
    [property: JsonPropertyName("user")] string? User);
