namespace ClassroomGuard.Storage.State;

/// <summary>A console user. The password hash never leaves the store.</summary>
/// <param name="Id">Database id.</param>
/// <param name="UserName">Sign-in name (unique, case-insensitive).</param>
/// <param name="DisplayName">Name shown in the console and in logs.</param>
/// <param name="Roles">Roles held.</param>
/// <param name="Disabled">Cannot sign in.</param>
/// <param name="FailedCount">Failed sign-ins since the last success or lockout.</param>
/// <param name="LockoutEnd">Locked until then, if locked.</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="MustChangePassword">Their password was chosen by someone else (generated or reset): they must choose their own at next sign-in.</param>
public sealed record UserAccount(
    long Id,
    string UserName,
    string DisplayName,
    IReadOnlyList<Role> Roles,
    bool Disabled,
    int FailedCount,
    DateTimeOffset? LockoutEnd,
    DateTimeOffset CreatedAt,
    bool MustChangePassword = false)
{
    /// <summary>Whether the user holds <paramref name="role"/>.</summary>
    public bool IsIn(Role role) => Roles.Contains(role);
}

/// <summary>Result of <see cref="UserRepository.CreateFirstAdministratorAsync"/>.</summary>
/// <param name="User">The administrator created, or null when refused.</param>
/// <param name="Password">The generated password: shown once to the installer, never stored or logged.</param>
/// <param name="Refusal">Why nothing was created, or null.</param>
public sealed record FirstAdministratorResult(UserAccount? User, string? Password, string? Refusal)
{
    /// <summary>Whether the administrator was created.</summary>
    public bool Created => User is not null;
}

/// <summary>Outcome of creating a user.</summary>
public enum CreateUserOutcome
{
    /// <summary>Created.</summary>
    Created,

    /// <summary>A user with that name exists.</summary>
    UserNameTaken,

    /// <summary>The password is shorter than <see cref="UserRepository.MinimumPasswordLength"/>.</summary>
    PasswordTooShort,

    /// <summary>No role was given.</summary>
    NoRole,
}

/// <summary>Outcome of a change to an existing user.</summary>
public enum UpdateUserOutcome
{
    /// <summary>Done.</summary>
    Updated,

    /// <summary>No such user.</summary>
    NotFound,

    /// <summary>Refused: it would leave no enabled administrator.</summary>
    LastAdministrator,

    /// <summary>Refused: the password is too short.</summary>
    PasswordTooShort,

    /// <summary>Refused: the current password given is wrong.</summary>
    WrongPassword,

    /// <summary>Refused: the new password is the same as the current one.</summary>
    PasswordUnchanged,
}

/// <summary>Outcome of a sign-in attempt.</summary>
public enum SignInOutcome
{
    /// <summary>Name and password match.</summary>
    Succeeded,

    /// <summary>Unknown name or wrong password (deliberately not told apart).</summary>
    Failed,

    /// <summary>Too many failures; try again after the lockout ends.</summary>
    LockedOut,

    /// <summary>The account is disabled.</summary>
    Disabled,
}

/// <summary>Result of <see cref="UserRepository.VerifyPasswordAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="User">The user when <see cref="SignInOutcome.Succeeded"/>, otherwise null.</param>
public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User);
