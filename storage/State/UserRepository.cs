using System.Security.Cryptography;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Users, roles and passwords. Passwords are hashed with ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (v3: PBKDF2 with HMAC-SHA512, salted); failed sign-ins count towards
/// a lockout (<see cref="StateOptions.LockoutThreshold"/>, <see cref="StateOptions.LockoutDuration"/>).
/// Sign-in counters do not bump the revision; role and account changes do.
/// </summary>
public sealed partial class UserRepository
{
    /// <summary>Shortest password accepted for a user.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>Length of generated passwords (about 140 bits from a 57-character alphabet).</summary>
    public const int GeneratedPasswordLength = 24;

    // No 0/O, 1/l/I: the first administrator's password is read off a screen and typed.
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private const string Columns = "id, user_name, display_name, disabled, failed_count, lockout_end, created_at, must_change_password";

    private static readonly PasswordHasher<UserAccount> Hasher = new();
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(null!, GeneratePassword()));

    private readonly StateDb db;
    private readonly ILogger logger;

    internal UserRepository(StateDb db, ILogger logger)
    {
        this.db = db;
        this.logger = logger;
    }

    /// <summary>
    /// Creates the first administrator with a generated password (CSPRNG, <see cref="GeneratedPasswordLength"/>
    /// characters), stores only its hash and returns the password once. Refused when any administrator exists.
    /// The administrator must choose their own password at first sign-in (<see cref="UserAccount.MustChangePassword"/>).
    /// </summary>
    public Task<FirstAdministratorResult> CreateFirstAdministratorAsync(string userName, string displayName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        var password = GeneratePassword();
        var hash = Hasher.HashPassword(null!, password);
        return db.WriteAsync(tx =>
        {
            if (tx.Long("SELECT 1 FROM user_roles WHERE role = 'Administrator' LIMIT 1") is not null)
            {
                return new FirstAdministratorResult(null, null, "An administrator already exists; ask them to create further accounts.");
            }

            if (tx.Long("SELECT id FROM users WHERE user_name = $n", ("$n", userName.Trim())) is not null)
            {
                return new FirstAdministratorResult(null, null, $"A user named '{userName.Trim()}' already exists.");
            }

            var id = Insert(tx, userName, displayName, hash, [Role.Administrator], mustChangePassword: true);
            Log.FirstAdministratorCreated(logger, userName.Trim());
            return new FirstAdministratorResult(Load(tx, id), password, null);
        }, cancellationToken);
    }

    /// <summary>Creates a user with the given roles and password, which they may keep.</summary>
    public Task<(CreateUserOutcome Outcome, UserAccount? User)> CreateUserAsync(
        string userName, string displayName, IReadOnlyCollection<Role> roles, string password, CancellationToken cancellationToken)
        => CreateUserAsync(userName, displayName, roles, password, mustChangePassword: false, cancellationToken);

    /// <summary>
    /// Creates a user with the given roles and password. With <paramref name="mustChangePassword"/> (an administrator
    /// chose the password) the user must choose their own at first sign-in.
    /// </summary>
    public Task<(CreateUserOutcome Outcome, UserAccount? User)> CreateUserAsync(
        string userName, string displayName, IReadOnlyCollection<Role> roles, string password, bool mustChangePassword, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinimumPasswordLength)
        {
            return Task.FromResult<(CreateUserOutcome, UserAccount?)>((CreateUserOutcome.PasswordTooShort, null));
        }

        if (roles.Count == 0)
        {
            return Task.FromResult<(CreateUserOutcome, UserAccount?)>((CreateUserOutcome.NoRole, null));
        }

        var hash = Hasher.HashPassword(null!, password);
        return db.WriteAsync<(CreateUserOutcome, UserAccount?)>(tx =>
        {
            if (tx.Long("SELECT id FROM users WHERE user_name = $n", ("$n", userName.Trim())) is not null)
            {
                return (CreateUserOutcome.UserNameTaken, null);
            }

            return (CreateUserOutcome.Created, Load(tx, Insert(tx, userName, displayName, hash, roles, mustChangePassword)));
        }, cancellationToken);
    }

    /// <summary>
    /// Checks a sign-in. Unknown names and wrong passwords give the same outcome and take the same time.
    /// Failures count towards lockout; success resets the count and upgrades an old hash format.
    /// </summary>
    public async Task<SignInResult> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var found = await db.ReadAsync(
            tx => tx.Query("SELECT id, password_hash FROM users WHERE user_name = $n", r => (Id: r.GetInt64(0), Hash: r.GetString(1)), ("$n", userName.Trim())),
            cancellationToken);
        if (found.Count == 0)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            return new SignInResult(SignInOutcome.Failed, null);
        }

        var (id, hash) = found[0];
        var before = await db.ReadAsync(tx => Load(tx, id), cancellationToken);
        if (before is null)
        {
            return new SignInResult(SignInOutcome.Failed, null);
        }

        var now = db.Time.GetUtcNow();
        if (before.Disabled)
        {
            return new SignInResult(SignInOutcome.Disabled, null);
        }

        if (before.LockoutEnd > now)
        {
            return new SignInResult(SignInOutcome.LockedOut, null);
        }

        var verdict = Hasher.VerifyHashedPassword(before, hash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockedOut = await db.WriteAsync(tx =>
            {
                var count = tx.Long("UPDATE users SET failed_count = failed_count + 1 WHERE id = $id RETURNING failed_count", ("$id", id)) ?? 0;
                if (count < db.Options.LockoutThreshold)
                {
                    return false;
                }

                tx.Execute("UPDATE users SET failed_count = 0, lockout_end = $end WHERE id = $id", ("$id", id), ("$end", Sql.Ms(now + db.Options.LockoutDuration)));
                return true;
            }, cancellationToken);
            if (lockedOut)
            {
                Log.LockedOut(logger, before.UserName);
                return new SignInResult(SignInOutcome.LockedOut, null);
            }

            return new SignInResult(SignInOutcome.Failed, null);
        }

        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(before, password) : null;
        var user = await db.WriteAsync(tx =>
        {
            tx.Execute(
                "UPDATE users SET failed_count = 0, lockout_end = NULL, password_hash = coalesce($h, password_hash) WHERE id = $id",
                ("$id", id), ("$h", rehash));
            return Load(tx, id);
        }, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, user);
    }

    /// <summary>The user, or null.</summary>
    public Task<UserAccount?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, id), cancellationToken);

    /// <summary>The user with that name (case-insensitive), or null.</summary>
    public Task<UserAccount?> FindByNameAsync(string userName, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Long("SELECT id FROM users WHERE user_name = $n", ("$n", userName.Trim())) is { } id ? Load(tx, id) : null,
            cancellationToken);

    /// <summary>All users by name (not the accounts of classroom displays, which are not people).</summary>
    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<UserAccount>>(
            tx => tx.Query("SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM kiosk_credentials) ORDER BY user_name", r => r.GetInt64(0)).Select(id => Load(tx, id)!).ToList(),
            cancellationToken);

    /// <summary>Replaces a user's roles. Refused if no enabled administrator would remain.</summary>
    public Task<UpdateUserOutcome> SetRolesAsync(long userId, IReadOnlyCollection<Role> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return UpdateGuardedAsync(userId, tx =>
        {
            tx.Execute("DELETE FROM user_roles WHERE user_id = $id", ("$id", userId));
            InsertRoles(tx, userId, roles);
        }, cancellationToken);
    }

    /// <summary>Disables or enables a user. Refused if no enabled administrator would remain.</summary>
    public Task<UpdateUserOutcome> SetDisabledAsync(long userId, bool disabled, CancellationToken cancellationToken)
        => UpdateGuardedAsync(userId, tx => tx.Execute("UPDATE users SET disabled = $d WHERE id = $id", ("$d", disabled ? 1 : 0), ("$id", userId)), cancellationToken);

    /// <summary>Sets a new password and clears any lockout.</summary>
    public Task<UpdateUserOutcome> SetPasswordAsync(long userId, string password, CancellationToken cancellationToken)
        => SetPasswordAsync(userId, password, mustChangePassword: false, cancellationToken);

    /// <summary>
    /// Sets a new password and clears any lockout. With <paramref name="mustChangePassword"/> (a reset by an
    /// administrator) the user must choose their own at next sign-in.
    /// </summary>
    public Task<UpdateUserOutcome> SetPasswordAsync(long userId, string password, bool mustChangePassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinimumPasswordLength)
        {
            return Task.FromResult(UpdateUserOutcome.PasswordTooShort);
        }

        var hash = Hasher.HashPassword(null!, password);
        return UpdateGuardedAsync(
            userId,
            tx => tx.Execute(
                "UPDATE users SET password_hash = $h, failed_count = 0, lockout_end = NULL, must_change_password = $m WHERE id = $id",
                ("$h", hash), ("$m", mustChangePassword ? 1 : 0), ("$id", userId)),
            cancellationToken);
    }

    /// <summary>
    /// A user changes their own password: the current one must verify and the new one must differ and be long
    /// enough. Clears <see cref="UserAccount.MustChangePassword"/>.
    /// </summary>
    public async Task<UpdateUserOutcome> ChangeOwnPasswordAsync(long userId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currentPassword);
        ArgumentNullException.ThrowIfNull(newPassword);
        var found = await db.ReadAsync(
            tx => tx.Query("SELECT password_hash FROM users WHERE id = $id", r => r.GetString(0), ("$id", userId)),
            cancellationToken);
        if (found.Count == 0)
        {
            return UpdateUserOutcome.NotFound;
        }

        if (Hasher.VerifyHashedPassword(null!, found[0], currentPassword) == PasswordVerificationResult.Failed)
        {
            return UpdateUserOutcome.WrongPassword;
        }

        if (string.Equals(currentPassword, newPassword, StringComparison.Ordinal))
        {
            return UpdateUserOutcome.PasswordUnchanged;
        }

        return await SetPasswordAsync(userId, newPassword, mustChangePassword: false, cancellationToken);
    }

    internal static UserAccount? Load(Tx tx, long id)
    {
        var roles = tx.Query("SELECT role FROM user_roles WHERE user_id = $id ORDER BY role", r => Enum.Parse<Role>(r.GetString(0)), ("$id", id));
        return tx.Single(
            $"SELECT {Columns} FROM users WHERE id = $id",
            r => new UserAccount(r.GetInt64(0), r.GetString(1), r.GetString(2), roles, r.GetInt64(3) == 1, r.GetInt32(4), Sql.TimeOrNull(r, 5), Sql.Time(r, 6), r.GetInt64(7) == 1),
            ("$id", id));
    }

    /// <summary>A password hash nobody knows the password of (accounts that never sign in with one: classroom displays).</summary>
    internal static string UnusablePasswordHash() => Hasher.HashPassword(null!, GeneratePassword() + GeneratePassword());

    private static string GeneratePassword() => new(RandomNumberGenerator.GetItems<char>(PasswordAlphabet, GeneratedPasswordLength));

    private static long Insert(Tx tx, string userName, string displayName, string hash, IReadOnlyCollection<Role> roles, bool mustChangePassword)
    {
        var id = tx.Long(
            "INSERT INTO users (user_name, display_name, password_hash, created_at, must_change_password) VALUES ($n, $d, $h, $now, $m) RETURNING id",
            ("$n", userName.Trim()), ("$d", displayName.Trim()), ("$h", hash), ("$now", tx.Now), ("$m", mustChangePassword ? 1 : 0))!.Value;
        InsertRoles(tx, id, roles);
        tx.Changed = true;
        return id;
    }

    private static void InsertRoles(Tx tx, long userId, IReadOnlyCollection<Role> roles)
    {
        foreach (var role in roles.Distinct())
        {
            tx.Execute("INSERT INTO user_roles (user_id, role) VALUES ($id, $r)", ("$id", userId), ("$r", role.ToString()));
        }
    }

    private async Task<UpdateUserOutcome> UpdateGuardedAsync(long userId, Action<Tx> change, CancellationToken cancellationToken)
    {
        try
        {
            return await db.WriteAsync(tx =>
            {
                if (tx.Long("SELECT id FROM users WHERE id = $id", ("$id", userId)) is null)
                {
                    return UpdateUserOutcome.NotFound;
                }

                var adminsBefore = CountAdministrators(tx);
                change(tx);
                if (adminsBefore > 0 && CountAdministrators(tx) == 0)
                {
                    throw new LastAdministratorException(); // rolls the transaction back
                }

                tx.Changed = true;
                return UpdateUserOutcome.Updated;
            }, cancellationToken);
        }
        catch (LastAdministratorException)
        {
            return UpdateUserOutcome.LastAdministrator;
        }
    }

    private static long CountAdministrators(Tx tx)
        => tx.Long("SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'Administrator' AND u.disabled = 0") ?? 0;

    private sealed class LastAdministratorException : Exception;
}
