using System.Security.Cryptography;
using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Credentials of enrolled pupil agents. Issued once per enrolment; only the SHA-256 of the secret is kept, and
/// verification compares hashes in constant time. A revoked credential is refused from then on.
/// </summary>
public sealed class AgentCredentialRepository
{
    private const string Columns = "id, device_id, token_id, created_at, revoked_at, last_used_at";
    private readonly StateDb db;

    internal AgentCredentialRepository(StateDb db) => this.db = db;

    /// <summary>Issues a credential for a device; null when the device does not exist.</summary>
    public Task<NewAgentCredential?> IssueAsync(long deviceId, long? tokenId, CancellationToken cancellationToken)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = EnrolmentTokenRepository.Hash(secret);
        return db.WriteAsync(tx =>
        {
            if (tx.Long("SELECT id FROM devices WHERE id = $d", ("$d", deviceId)) is null)
            {
                return null;
            }

            var id = tx.Long(
                "INSERT INTO agent_credentials (device_id, token_id, secret_hash, created_at) VALUES ($d, $t, $h, $now) RETURNING id",
                ("$d", deviceId), ("$t", tokenId), ("$h", hash), ("$now", tx.Now))!.Value;
            return new NewAgentCredential(Load(tx, id)!, secret);
        }, cancellationToken);
    }

    /// <summary>The credential when <paramref name="secret"/> is its secret and it is not revoked (recording the use); null otherwise.</summary>
    public Task<AgentCredential?> VerifyAsync(long id, string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var presented = Convert.FromHexString(EnrolmentTokenRepository.Hash(secret));
        return db.WriteAsync(tx =>
        {
            var stored = tx.Single("SELECT secret_hash FROM agent_credentials WHERE id = $id AND revoked_at IS NULL", r => r.GetString(0), ("$id", id));
            if (stored is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(stored), presented))
            {
                return null;
            }

            tx.Execute("UPDATE agent_credentials SET last_used_at = $now WHERE id = $id", ("$now", tx.Now), ("$id", id));
            return Load(tx, id);
        }, cancellationToken);
    }

    /// <summary>Revokes a credential; false when there is none or it was already revoked.</summary>
    public Task<bool> RevokeAsync(long id, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Execute("UPDATE agent_credentials SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL", ("$now", tx.Now), ("$id", id)) == 1,
            cancellationToken);

    private static AgentCredential? Load(Tx tx, long id)
        => tx.Single(
            $"SELECT {Columns} FROM agent_credentials WHERE id = $id",
            r => new AgentCredential(r.GetInt64(0), r.GetInt64(1), Sql.LongOrNull(r, 2), Sql.Time(r, 3), Sql.TimeOrNull(r, 4), Sql.TimeOrNull(r, 5)),
            ("$id", id));
}
