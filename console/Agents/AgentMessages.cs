namespace ClassroomGuard.Console.Agents;

/// <summary>An agent's enrolment request (POST /api/agents/enrol).</summary>
/// <param name="Token">The room's enrolment token.</param>
/// <param name="Hostname">The device's hostname.</param>
/// <param name="Macs">Its MAC addresses (the first identifies the device).</param>
/// <param name="Ips">Its IP addresses.</param>
/// <param name="User">The signed-in user, if any.</param>
public sealed record EnrolmentRequest(string? Token, string? Hostname, string[]? Macs, string[]? Ips, string? User);

/// <summary>The answer to a successful enrolment; the secret is never sent again.</summary>
/// <param name="AgentId">Credential id.</param>
/// <param name="Secret">Credential secret.</param>
/// <param name="RoomId">The token's room.</param>
public sealed record EnrolmentAnswer(long AgentId, string Secret, long RoomId);

/// <summary>What an agent reports in each heartbeat.</summary>
/// <param name="Hostname">Hostname.</param>
/// <param name="Macs">MAC addresses.</param>
/// <param name="Ips">IP addresses.</param>
/// <param name="User">Signed-in user, if any.</param>
public sealed record AgentHeartbeat(string? Hostname, string[]? Macs, string[]? Ips, string? User);
