namespace ClassroomGuard.Storage.State;

/// <summary>A user's e-mail address, and who receives the safeguarding alert e-mails.</summary>
public sealed partial class UserRepository
{
    /// <summary>Longest e-mail address kept (RFC 5321's path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>
    /// Sets or clears (null or blank) a user's e-mail address. The caller validates its form; it is trimmed and must be
    /// at most <see cref="MaxEmailLength"/> characters.
    /// </summary>
    public Task<UpdateUserOutcome> SetEmailAsync(long userId, string? email, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        if (text is not null)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(text.Length, MaxEmailLength, nameof(email));
        }

        return UpdateGuardedAsync(userId, tx => tx.Execute("UPDATE users SET email = $e WHERE id = $id", ("$e", text), ("$id", userId)), cancellationToken);
    }

    /// <summary>Every user's e-mail address, by user id (users without one are left out).</summary>
    public Task<IReadOnlyDictionary<long, string>> GetEmailsAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyDictionary<long, string>>(
            tx => tx.Query("SELECT id, email FROM users WHERE email IS NOT NULL AND email <> ''", r => (r.GetInt64(0), r.GetString(1)))
                .ToDictionary(p => p.Item1, p => p.Item2),
            cancellationToken);

    /// <summary>The addresses of enabled users holding <paramref name="role"/> who have one, in name order, without repeats.</summary>
    public Task<IReadOnlyList<string>> ListEmailsInRoleAsync(Role role, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<string>>(
            tx => tx.Query(
                "SELECT DISTINCT u.email FROM users u JOIN user_roles r ON r.user_id = u.id "
                + "WHERE r.role = $r AND u.disabled = 0 AND u.email IS NOT NULL AND u.email <> '' ORDER BY u.email",
                r => r.GetString(0), ("$r", role.ToString())),
            cancellationToken);
}
