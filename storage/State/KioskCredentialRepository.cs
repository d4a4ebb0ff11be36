using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Classroom display (kiosk) credentials per room. Issued with 256 random bits returned once; the store keeps only the
/// SHA-256 and compares hashes in constant time. Issue and revoke are recorded in the administrative audit in the same
/// transaction: a display credential is an access grant. Each credential gets its own users row (no roles, disabled,
/// unusable password, hidden from the user list) under which the display's classroom actions are recorded.
/// </summary>
public sealed class KioskCredentialRepository
{
    private const string Select = """
        SELECT k.id, k.room_id, r.name, k.user_id, k.label, k.issued_by_name, k.issued_at, k.last_used_at, k.revoked_by_name, k.revoked_at
        FROM kiosk_credentials k JOIN rooms r ON r.id = k.room_id
        """;

    private readonly StateDb db;

    internal KioskCredentialRepository(StateDb db) => this.db = db;

    /// <summary>Issues a credential for <paramref name="roomId"/> labelled <paramref name="label"/>, by <paramref name="issuedBy"/>.</summary>
    public Task<(KioskIssueOutcome Outcome, NewKioskCredential? Issued)> IssueAsync(long roomId, string label, long issuedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(label);
        var name = label.Trim();
        if (name.Length is 0 or > KioskCredential.MaxLabelLength || name.Any(char.IsControl))
        {
            return Task.FromResult<(KioskIssueOutcome, NewKioskCredential?)>((KioskIssueOutcome.BadLabel, null));
        }

        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = EnrolmentTokenRepository.Hash(secret);
        var unusable = UserRepository.UnusablePasswordHash();
        return db.WriteAsync<(KioskIssueOutcome, NewKioskCredential?)>(tx =>
        {
            var room = tx.Single("SELECT name FROM rooms WHERE id = $r", r => r.GetString(0), ("$r", roomId));
            var actor = UserRepository.Load(tx, issuedBy);
            if (room is null || actor is null)
            {
                return (room is null ? KioskIssueOutcome.NoSuchRoom : KioskIssueOutcome.NoSuchUser, null);
            }

            if (tx.Long("SELECT 1 FROM kiosk_credentials WHERE room_id = $r AND label = $l COLLATE NOCASE AND revoked_at IS NULL", ("$r", roomId), ("$l", name)) is not null)
            {
                return (KioskIssueOutcome.LabelTaken, null);
            }

            // The display's own account: a name no person is given (its random part), disabled, no roles.
            var userId = tx.Long(
                "INSERT INTO users (user_name, display_name, password_hash, disabled, created_at) VALUES ($n, $d, $h, 1, $now) RETURNING id",
                ("$n", "display-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))), ("$d", KioskCredential.ActorName(name)), ("$h", unusable), ("$now", tx.Now))!.Value;
            var id = tx.Long(
                "INSERT INTO kiosk_credentials (room_id, user_id, label, secret_hash, issued_by, issued_by_name, issued_at) VALUES ($r, $u, $l, $h, $by, $byName, $now) RETURNING id",
                ("$r", roomId), ("$u", userId), ("$l", name), ("$h", hash), ("$by", actor.Id), ("$byName", actor.DisplayName), ("$now", tx.Now))!.Value;
            AdminAuditRepository.Append(tx, actor, "display.issue", $"room '{room}'", $"classroom display credential '{name}'");
            tx.Changed = true;
            return (KioskIssueOutcome.Issued, new NewKioskCredential(Load(tx, id)!, id.ToString(CultureInfo.InvariantCulture) + "." + secret));
        }, cancellationToken);
    }

    /// <summary>Credentials, optionally of one room: live ones first, then newest first.</summary>
    public Task<IReadOnlyList<KioskCredential>> ListAsync(long? roomId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<KioskCredential>>(
            tx => tx.Query($"{Select} WHERE $r IS NULL OR k.room_id = $r ORDER BY k.revoked_at IS NOT NULL, k.id DESC", Map, ("$r", roomId)),
            cancellationToken);

    /// <summary>The credential, or null.</summary>
    public Task<KioskCredential?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, id), cancellationToken);

    /// <summary>Whether credential <paramref name="id"/> exists and is not revoked (every request and open page of a display re-checks it).</summary>
    public Task<bool> IsActiveAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => tx.Long("SELECT 1 FROM kiosk_credentials WHERE id = $id AND revoked_at IS NULL", ("$id", id)) is not null, cancellationToken);

    /// <summary>
    /// The credential when <paramref name="text"/> (<c>&lt;id&gt;.&lt;secret&gt;</c>) is a live one, recording the sign-in;
    /// null for anything else (malformed, unknown, revoked), without telling which.
    /// </summary>
    public Task<KioskCredential?> VerifyAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 1 || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Task.FromResult<KioskCredential?>(null);
        }

        var presented = Convert.FromHexString(EnrolmentTokenRepository.Hash(text[(dot + 1)..]));
        return db.WriteAsync(tx =>
        {
            var stored = tx.Single("SELECT secret_hash FROM kiosk_credentials WHERE id = $id AND revoked_at IS NULL", r => r.GetString(0), ("$id", id));
            if (stored is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(stored), presented))
            {
                return null;
            }

            tx.Execute("UPDATE kiosk_credentials SET last_used_at = $now WHERE id = $id", ("$now", tx.Now), ("$id", id));
            return Load(tx, id);
        }, cancellationToken);
    }

    /// <summary>Revokes a credential, by <paramref name="revokedBy"/>; false when there is none, it was already revoked, or the user does not exist.</summary>
    public Task<bool> RevokeAsync(long id, long revokedBy, CancellationToken cancellationToken)
        => db.WriteAsync(tx =>
        {
            var actor = UserRepository.Load(tx, revokedBy);
            var credential = Load(tx, id);
            if (actor is null || credential is not { IsActive: true })
            {
                return false;
            }

            tx.Execute("UPDATE kiosk_credentials SET revoked_at = $now, revoked_by_name = $by WHERE id = $id", ("$now", tx.Now), ("$by", actor.DisplayName), ("$id", id));
            AdminAuditRepository.Append(tx, actor, "display.revoke", $"room '{credential.RoomName}'", $"classroom display credential '{credential.Label}'");
            tx.Changed = true;
            return true;
        }, cancellationToken);

    private static KioskCredential? Load(Tx tx, long id) => tx.Single($"{Select} WHERE k.id = $id", Map, ("$id", id));

    private static KioskCredential Map(Microsoft.Data.Sqlite.SqliteDataReader r)
        => new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), Sql.Time(r, 6), Sql.TimeOrNull(r, 7), Sql.StringOrNull(r, 8), Sql.TimeOrNull(r, 9));
}
