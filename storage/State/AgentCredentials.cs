namespace ClassroomGuard.Storage.State;

/// <summary>A pupil agent's credential as stored: never its secret, only a hash of it.</summary>
/// <param name="Id">Database id; the agent presents it with its secret as <c>&lt;Id&gt;.&lt;secret&gt;</c>.</param>
/// <param name="DeviceId">The device the agent runs on.</param>
/// <param name="TokenId">The enrolment token it enrolled with, while that token exists.</param>
/// <param name="CreatedAt">Issued.</param>
/// <param name="RevokedAt">Revoked, if it was.</param>
/// <param name="LastUsedAt">Last accepted use, if any.</param>
public sealed record AgentCredential(long Id, long DeviceId, long? TokenId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A credential just issued: <see cref="Secret"/> goes to the agent once and is never stored.</summary>
/// <param name="Credential">The stored record.</param>
/// <param name="Secret">The secret (43 characters of base64url, 256 random bits).</param>
public sealed record NewAgentCredential(AgentCredential Credential, string Secret);

/// <summary>Outcome of an agent enrolment.</summary>
public enum AgentEnrolmentOutcome
{
    /// <summary>Enrolled: the device is in the token's room and holds the new credential.</summary>
    Enrolled,

    /// <summary>
    /// The device the agent claimed (by its MAC, or by its address when it gave no MAC) already holds an agent credential:
    /// a technician must reset that device's agent before it can enrol again. Nothing was changed.
    /// </summary>
    DeviceHasAgent,

    /// <summary>Neither a valid MAC nor a valid IP address was given. Nothing was changed.</summary>
    NoAddress,
}

/// <summary>What an enrolment did.</summary>
/// <param name="Outcome">Enrolled, or why not.</param>
/// <param name="DeviceId">The device enrolled, or the device that already has an agent.</param>
/// <param name="Credential">The new credential, when enrolled.</param>
public sealed record AgentEnrolment(AgentEnrolmentOutcome Outcome, long? DeviceId, NewAgentCredential? Credential);
