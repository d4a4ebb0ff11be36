using System.Globalization;
using System.Security.Claims;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Security;

/// <summary>The signed-in user as the console sees them, read from the session's claims.</summary>
/// <param name="Id">State database user id.</param>
/// <param name="UserName">Sign-in name.</param>
/// <param name="DisplayName">Name shown.</param>
/// <param name="Roles">Roles held (refreshed from the store on every request).</param>
/// <param name="MustChangePassword">They must choose a new password before anything else.</param>
public sealed record ConsoleUser(long Id, string UserName, string DisplayName, IReadOnlySet<Role> Roles, bool MustChangePassword)
{
    /// <summary>Claim: when the session began (Unix seconds), for the absolute session limit.</summary>
    public const string SignedInAtClaim = "cg:signed_in_at";

    /// <summary>Claim present while the user must change their password.</summary>
    public const string MustChangePasswordClaim = "cg:must_change_password";

    /// <summary>The authentication scheme (cookie).</summary>
    public const string Scheme = "ClassroomGuard";

    /// <summary>
    /// Set when this is a classroom display's session (it holds none of the people's roles): it may use its own room and
    /// nothing else (<see cref="Kiosk.KioskDisplay"/>).
    /// </summary>
    public Kiosk.KioskDisplay? Display { get; init; }

    /// <summary>May use the administration pages.</summary>
    public bool IsAdministration => Policies.AdministrationRoles.Any(Roles.Contains);

    /// <summary>May manage administrators (grant the role, change an administrator's account).</summary>
    public bool IsAdministrator => Roles.Contains(Role.Administrator);

    /// <summary>The user in <paramref name="principal"/>, or null when not signed in.</summary>
    public static ConsoleUser? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => Enum.TryParse<Role>(c.Value, out var r) ? (Role?)r : null).OfType<Role>().ToHashSet();
        return new ConsoleUser(
            id,
            principal.FindFirstValue(ClaimTypes.Name) ?? string.Empty,
            principal.FindFirstValue(ClaimTypes.GivenName) ?? string.Empty,
            roles,
            principal.HasClaim(c => c.Type == MustChangePasswordClaim)) { Display = Kiosk.KioskDisplay.From(principal) };
    }

    /// <summary>The session principal for <paramref name="account"/>, signed in at <paramref name="signedInAt"/>.</summary>
    public static ClaimsPrincipal CreatePrincipal(UserAccount account, DateTimeOffset signedInAt)
    {
        ArgumentNullException.ThrowIfNull(account);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, account.UserName),
            new(ClaimTypes.GivenName, account.DisplayName),
            new(SignedInAtClaim, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(account.Roles.Select(r => new Claim(ClaimTypes.Role, r.ToString())));
        if (account.MustChangePassword)
        {
            claims.Add(new Claim(MustChangePasswordClaim, "1"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>When the session in <paramref name="principal"/> began, or null.</summary>
    public static DateTimeOffset? SignedInAt(ClaimsPrincipal principal)
        => long.TryParse(principal.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
