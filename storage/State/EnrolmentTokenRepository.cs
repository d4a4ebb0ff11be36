using System.Security.Cryptography;
using System.Text;
using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Agent enrolment tokens per room. A token is 256 random bits, returned once when made; the store keeps
/// only its SHA-256 (a slow hash adds nothing for a secret of that strength) and its last four characters.
/// Making and revoking are recorded in the administrative audit in the same transaction.
/// </summary>
public sealed class EnrolmentTokenRepository
{
    private const string Columns = "id, room_id, hint, created_by, created_at, expires_at, revoked_at, use_count, last_used_at";
    private readonly StateDb db;

    internal EnrolmentTokenRepository(StateDb db) => this.db = db;

    /// <summary>Makes a token for a room, valid for <paramref name="lifetime"/>; null when the room or user does not exist.</summary>
    public Task<NewEnrolmentToken?> CreateAsync(long roomId, long createdBy, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(secret);
        return db.WriteAsync(tx =>
        {
            var room = tx.Single("SELECT name FROM rooms WHERE id = $r", r => r.GetString(0), ("$r", roomId));
            var actor = UserRepository.Load(tx, createdBy);
            if (room is null || actor is null)
            {
                return null;
            }

            var id = tx.Long(
                "INSERT INTO enrolment_tokens (room_id, token_hash, hint, created_by, created_at, expires_at) VALUES ($r, $h, $hint, $u, $now, $exp) RETURNING id",
                ("$r", roomId), ("$h", hash), ("$hint", secret[^4..]), ("$u", createdBy), ("$now", tx.Now), ("$exp", tx.Now + (long)lifetime.TotalMilliseconds))!.Value;
            var token = Load(tx, "id = $id", ("$id", id))[0];
            AdminAuditRepository.Append(tx, actor, "token.create", $"room '{room}'", $"token …{token.Hint}, expires {token.ExpiresAt:u}");
            return new NewEnrolmentToken(token, secret);
        }, cancellationToken);
    }

    /// <summary>Tokens, optionally of one room, newest first.</summary>
    public Task<IReadOnlyList<EnrolmentToken>> ListAsync(long? roomId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<EnrolmentToken>>(tx => Load(tx, "$r IS NULL OR room_id = $r ORDER BY id DESC", ("$r", roomId)), cancellationToken);

    /// <summary>Revokes a token; false when there is no such token or it was already revoked.</summary>
    public Task<bool> RevokeAsync(long tokenId, long revokedBy, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            var actor = UserRepository.Load(tx, revokedBy);
            var room = tx.Single("SELECT r.name FROM enrolment_tokens t JOIN rooms r ON r.id = t.room_id WHERE t.id = $id", r => r.GetString(0), ("$id", tokenId));
            if (actor is null || room is null
                || tx.Execute("UPDATE enrolment_tokens SET revoked_by = $u, revoked_at = $now WHERE id = $id AND revoked_at IS NULL", ("$u", revokedBy), ("$now", tx.Now), ("$id", tokenId)) == 0)
            {
                return false;
            }

            var hint = tx.Single("SELECT hint FROM enrolment_tokens WHERE id = $id", r => r.GetString(0), ("$id", tokenId));
            AdminAuditRepository.Append(tx, actor, "token.revoke", $"room '{room}'", $"token …{hint}");
            return true;
        }, cancellationToken);

    /// <summary>
    /// The usable token matching <paramref name="secret"/> (not expired, not revoked), counting the use; null otherwise.
    /// For agent enrolment.
    /// </summary>
    public Task<EnrolmentToken?> RedeemAsync(string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = Hash(secret.Trim());
        return db.WriteAsync(tx =>
        {
            var used = tx.Execute(
                "UPDATE enrolment_tokens SET use_count = use_count + 1, last_used_at = $now WHERE token_hash = $h AND revoked_at IS NULL AND expires_at > $now",
                ("$h", hash), ("$now", tx.Now));
            return used == 0 ? null : Load(tx, "token_hash = $h", ("$h", hash))[0];
        }, cancellationToken);
    }

    /// <summary>The stored form of a token: lower-case hex SHA-256 of its UTF-8 text.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    private static List<EnrolmentToken> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query(
            $"SELECT {Columns} FROM enrolment_tokens WHERE {where}",
            r => new EnrolmentToken(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), Sql.Time(r, 4), Sql.Time(r, 5), Sql.TimeOrNull(r, 6), r.GetInt32(7), Sql.TimeOrNull(r, 8)),
            args);

    private static string Base64UrlEncode(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
