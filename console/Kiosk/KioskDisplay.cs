using System.Globalization;
using System.Security.Claims;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Kiosk;

/// <summary>
/// A signed-in classroom display: its own role (<see cref="Role"/>, not one of the people's roles), the one room it
/// shows and the credential it signed in with, which every request and open page re-checks.
/// </summary>
/// <param name="CredentialId">The credential (kiosk_credentials id).</param>
/// <param name="RoomId">Its room.</param>
/// <param name="Label">What the technician called it.</param>
public sealed record KioskDisplay(long CredentialId, long RoomId, string Label)
{
    /// <summary>The display's role claim. No person holds it; only the room page's policy admits it.</summary>
    public const string Role = "ClassroomDisplay";

    private const string CredentialClaim = "cg:display_credential";
    private const string RoomClaim = "cg:display_room";
    private const string LabelClaim = "cg:display_label";

    /// <summary>The display's room page.</summary>
    public string RoomPath => "/rooms/" + RoomId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The display in <paramref name="principal"/>, or null when it is not a display's session.</summary>
    public static KioskDisplay? From(ClaimsPrincipal? principal)
        => principal?.Identity?.IsAuthenticated == true && principal.IsInRole(Role)
            && long.TryParse(principal.FindFirstValue(CredentialClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var credential)
            && long.TryParse(principal.FindFirstValue(RoomClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var room)
                ? new KioskDisplay(credential, room, principal.FindFirstValue(LabelClaim) ?? string.Empty)
                : null;

    /// <summary>
    /// The session principal for <paramref name="credential"/>: named "&lt;label&gt; (classroom display)", its user id the
    /// credential's own account (so what it does in its room is recorded under that name), no role of a person.
    /// </summary>
    public static ClaimsPrincipal CreatePrincipal(KioskCredential credential, DateTimeOffset signedInAt)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var name = KioskCredential.ActorName(credential.Label);
        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, credential.UserId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, name),
            new(ClaimTypes.GivenName, name),
            new(ClaimTypes.Role, Role),
            new(CredentialClaim, credential.Id.ToString(CultureInfo.InvariantCulture)),
            new(RoomClaim, credential.RoomId.ToString(CultureInfo.InvariantCulture)),
            new(LabelClaim, credential.Label),
            new(ConsoleUser.SignedInAtClaim, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleUser.Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
