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
        var secret = NewSecret();
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

    /// <summary>
    /// Enrols an agent in one transaction: records its sightings, puts the device in <paramref name="roomId"/> and issues
    /// a credential. The device is the one holding the sightings' MAC (or, with no MAC, the address). An enrolment never
    /// takes over a device that already holds an unrevoked credential (anyone with a room token could otherwise claim
    /// any device seen on the LAN): it is refused and nothing changes. An address held now by another device with an
    /// agent is not moved to the new device (the sniffer's DHCP sightings settle who holds it).
    /// </summary>
    public Task<AgentEnrolment> EnrolAsync(IReadOnlyList<DeviceObservation> observations, long roomId, long? tokenId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var secret = NewSecret();
        var hash = EnrolmentTokenRepository.Hash(secret);
        return db.WriteAsync(tx =>
        {
            var accepted = new List<DeviceObservation>();
            foreach (var o in observations)
            {
                var mac = Normalize.Mac(o.Mac);
                var ip = Normalize.Ip(o.Ip);
                var byMac = mac is null ? null : tx.Long("SELECT device_id FROM device_macs WHERE mac = $m", ("$m", mac));
                var byIp = ip is null ? null : tx.Long("SELECT device_id FROM device_ips WHERE ip = $ip", ("$ip", ip));
                var claimed = mac is not null ? byMac : byIp;
                if (claimed is { } taken && HasActive(tx, taken))
                {
                    return new AgentEnrolment(AgentEnrolmentOutcome.DeviceHasAgent, taken, null);
                }

                if (byIp is { } holder && holder != claimed && HasActive(tx, holder))
                {
                    ip = null; // another enrolled device's address: not ours to take
                }

                if (mac is not null || ip is not null)
                {
                    accepted.Add(o with { Mac = mac, Ip = ip });
                }
            }

            if (accepted.Count == 0)
            {
                return new AgentEnrolment(AgentEnrolmentOutcome.NoAddress, null, null);
            }

            long deviceId = 0;
            foreach (var o in accepted)
            {
                deviceId = DeviceRepository.Observe(tx, o);
            }

            tx.Execute("UPDATE devices SET room_id = $r WHERE id = $id", ("$r", roomId), ("$id", deviceId));
            tx.Changed = true;
            var id = tx.Long(
                "INSERT INTO agent_credentials (device_id, token_id, secret_hash, created_at) VALUES ($d, $t, $h, $now) RETURNING id",
                ("$d", deviceId), ("$t", tokenId), ("$h", hash), ("$now", tx.Now))!.Value;
            return new AgentEnrolment(AgentEnrolmentOutcome.Enrolled, deviceId, new NewAgentCredential(Load(tx, id)!, secret));
        }, cancellationToken);
    }

    /// <summary>Whether credential <paramref name="id"/> exists and is not revoked (an agent's connection re-checks it).</summary>
    public Task<bool> IsActiveAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => tx.Long("SELECT 1 FROM agent_credentials WHERE id = $id AND revoked_at IS NULL", ("$id", id)) is not null, cancellationToken);

    /// <summary>Whether the device holds an unrevoked credential (an enrolled agent).</summary>
    public Task<bool> HasAgentAsync(long deviceId, CancellationToken cancellationToken)
        => db.ReadAsync(tx => HasActive(tx, deviceId), cancellationToken);

    /// <summary>
    /// Revokes every credential of a device (a technician's "reset agent"), so its agent is refused from then on and the
    /// device may be enrolled again. Returns how many were revoked (0 when it had none).
    /// </summary>
    public Task<int> RevokeForDeviceAsync(long deviceId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx =>
            {
                var revoked = tx.Execute("UPDATE agent_credentials SET revoked_at = $now WHERE device_id = $d AND revoked_at IS NULL", ("$now", tx.Now), ("$d", deviceId));
                tx.Changed = revoked > 0;
                return revoked;
            },
            cancellationToken);

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

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool HasActive(Tx tx, long deviceId)
        => tx.Long("SELECT 1 FROM agent_credentials WHERE device_id = $d AND revoked_at IS NULL LIMIT 1", ("$d", deviceId)) is not null;

    private static AgentCredential? Load(Tx tx, long id)
        => tx.Single(
            $"SELECT {Columns} FROM agent_credentials WHERE id = $id",
            r => new AgentCredential(r.GetInt64(0), r.GetInt64(1), Sql.LongOrNull(r, 2), Sql.Time(r, 3), Sql.TimeOrNull(r, 4), Sql.TimeOrNull(r, 5)),
            ("$id", id));
}
