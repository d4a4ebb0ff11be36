using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Authentication;

namespace ClassroomGuard.Console.Kiosk;

/// <summary>
/// The classroom display's sign-in, <c>POST /kiosk/sign-in</c> with the form field <c>credential</c>: anonymous and
/// without an antiforgery token (it is a sign-in with its own 256-bit secret; there is no session yet to ride on),
/// rate limited per address like the password sign-in (<see cref="SignInRateLimit"/>).
/// <para>Success: the display's session cookie and a 200 page that moves itself to the room (a meta refresh, no
/// script). That page is on the console's own origin, so the browser sends the SameSite=Strict cookie on the move even
/// though the POST came from a <c>file://</c> page, which a redirect (still part of the cross-site navigation) would
/// not. Unknown or revoked: 401 and a page saying what to do.</para>
/// </summary>
internal static class KioskEndpoints
{
    /// <summary>
    /// How long the display's cookie lasts without use (renewed while used). There is no absolute limit as there is for
    /// people: the session is bound to a credential that a technician revokes, and each request and open page checks it.
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    /// <summary>The 401 page's words.</summary>
    public const string RefusedTitle = "This display cannot sign in";

    private const string RevokedFlag = "cg:display_revoked";

    public static IEndpointRouteBuilder MapKioskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(KioskPaths.SignIn, SignInAsync).AllowAnonymous().DisableAntiforgery(); // its own secret; see the class summary
        return endpoints;
    }

    /// <summary>Marks the request of a display whose session was just ended (credential revoked): its pages get the 401 page.</summary>
    public static void MarkRevoked(HttpContext context) => context.Items[RevokedFlag] = true;

    /// <summary>
    /// After authentication: a display whose credential was revoked gets the 401 page for any page it asks for (not the
    /// password sign-in form, which it cannot use); a signed-in display asking for <c>/</c> goes to its room.
    /// </summary>
    public static IApplicationBuilder UseKioskGate(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) || StaticAssetRequests.IsStaticAsset(context))
        {
            return next(context);
        }

        if (context.Items.ContainsKey(RevokedFlag))
        {
            return RefusedAsync(context);
        }

        if (KioskDisplay.From(context.User) is { } display && context.Request.Path == "/")
        {
            context.Response.Redirect(display.RoomPath);
            return Task.CompletedTask;
        }

        return next(context);
    });

    private static async Task SignInAsync(HttpContext context, StateStore store, TimeProvider time, ILogger<KioskDisplay> logger)
    {
        var text = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted))[KioskPaths.CredentialField].ToString().Trim() : string.Empty;
        var credential = text.Length is > 0 and <= 200 ? await store.KioskCredentials.VerifyAsync(text, context.RequestAborted) : null;
        if (credential is null)
        {
            Log.DisplaySignInRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            await RefusedAsync(context);
            return;
        }

        var now = time.GetUtcNow();
        await context.SignInAsync(
            ConsoleUser.Scheme,
            KioskDisplay.CreatePrincipal(credential, now),
            new AuthenticationProperties { IsPersistent = true, AllowRefresh = true, IssuedUtc = now, ExpiresUtc = now + SessionLifetime });
        Log.DisplaySignedIn(logger, credential.Label, credential.RoomId);
        var room = new KioskDisplay(credential.Id, credential.RoomId, credential.Label).RoomPath;
        await StatusPages.WriteAsync(
            context, StatusCodes.Status200OK, $"Opening {credential.RoomName}", $"This display is signed in as \u201c{credential.Label}\u201d. Opening the room\u2026", null,
            [(room, credential.RoomName)], refreshTo: room);
    }

    private static Task RefusedAsync(HttpContext context)
        => StatusPages.WriteAsync(
            context,
            StatusCodes.Status401Unauthorized,
            RefusedTitle,
            "This classroom display's credential was revoked or is not known. Ask your technician to issue a new one (Rooms & enrolment \u2192 the room \u2192 Classroom displays) and copy classroomguard-kiosk.conf onto the display.");
}
