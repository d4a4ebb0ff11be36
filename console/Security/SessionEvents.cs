using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Cookie events. Every request re-reads the user from the state database, so disabling an account or
/// changing roles takes effect at once rather than when the cookie expires; a session also ends at
/// <see cref="ConsoleOptions.SessionAbsoluteLimit"/> after sign-in however active it is (a classroom display's session
/// instead lasts while its credential is not revoked). A signed-in user
/// refused a page gets a plain 403 page (not a redirect), so the refusal is visible and testable.
/// </summary>
internal sealed class SessionEvents(StateStore store, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<SessionEvents> logger)
    : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (StaticAssetRequests.IsStaticAsset(context.HttpContext))
        {
            return; // the app's own static files are public: no database read for them
        }

        if (Kiosk.KioskDisplay.From(context.Principal) is { } display)
        {
            // A classroom display: no absolute limit (its session is bound to a revocable credential), re-checked here.
            if (!await store.KioskCredentials.IsActiveAsync(display.CredentialId, context.HttpContext.RequestAborted))
            {
                Log.DisplaySessionEnded(logger, display.Label);
                Kiosk.KioskEndpoints.MarkRevoked(context.HttpContext);
                await RejectAsync(context, display.Label, "classroom display credential revoked");
            }

            return;
        }

        var current = ConsoleUser.From(context.Principal);
        var signedInAt = context.Principal is null ? null : ConsoleUser.SignedInAt(context.Principal);
        if (current is null || signedInAt is null || time.GetUtcNow() - signedInAt.Value > options.Value.SessionAbsoluteLimit)
        {
            await RejectAsync(context, current?.UserName ?? "?", "session reached its absolute limit");
            return;
        }

        var account = await store.Users.GetAsync(current.Id, context.HttpContext.RequestAborted);
        if (account is null || account.Disabled)
        {
            await RejectAsync(context, current.UserName, "account disabled or removed");
            return;
        }

        if (!account.Roles.ToHashSet().SetEquals(current.Roles) || account.MustChangePassword != current.MustChangePassword
            || account.DisplayName != current.DisplayName)
        {
            context.ReplacePrincipal(ConsoleUser.CreatePrincipal(account, signedInAt.Value));
            context.ShouldRenew = true;
        }
    }

    /// <summary>
    /// A browser page goes to the sign-in page; a script's request (the classroom action posts with
    /// <c>Accept: application/json</c>) gets 401 instead, so it can say "signed out" rather than parse a form.
    /// </summary>
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        return base.RedirectToLogin(context);
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        var user = ConsoleUser.From(context.HttpContext.User);
        Log.AccessDenied(logger, user?.UserName ?? "?", context.Request.Method, context.Request.Path);
        var page = RefusedPages.Title(context.Request.Path);
        return StatusPages.WriteAsync(
            context.HttpContext,
            StatusCodes.Status403Forbidden,
            "Not for your role",
            HttpMethods.IsGet(context.Request.Method)
                ? $"Your account cannot open {page}: it is for other roles. If you need it, ask an administrator."
                : $"Your account cannot do this on {page}: it is for other roles. Nothing was changed. If you need it, ask an administrator.",
            null,
            RefusedPages.Instead(user));
    }

    private async Task RejectAsync(CookieValidatePrincipalContext context, string userName, string reason)
    {
        Log.SessionEnded(logger, userName, reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleUser.Scheme);
    }
}
