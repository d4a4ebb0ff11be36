using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Sign-out (a POST with an antiforgery token, so another site cannot sign a kiosk out), and the gate that
/// keeps a user who must change their password on that page until they have.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AccountPaths.SignOut, async (HttpContext context, IAntiforgery antiforgery, ILogger<SignInService> logger) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            Log.SignedOut(logger, ConsoleUser.From(context.User)?.UserName ?? "?");
            await context.SignOutAsync(ConsoleUser.Scheme);
            return Results.Redirect(AccountPaths.SignIn + "?signedout=true");
        }).RequireAuthorization().DisableAntiforgery(); // antiforgery validated above, explicitly: this endpoint binds no form fields
        return endpoints;
    }

    /// <summary>
    /// While <see cref="ConsoleUser.MustChangePassword"/>, the password page, sign-out and the app's static files
    /// (wwwroot, <c>_framework</c>, <c>_content</c>: <see cref="StaticAssetRequests"/>) are all a user can reach: pages redirect to the password page, anything else is refused.
    /// </summary>
    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path;
        if (ConsoleUser.From(context.User) is not { MustChangePassword: true }
            || path.StartsWithSegments(AccountPaths.ChangePassword, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(AccountPaths.SignOut, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/healthz", StringComparison.Ordinal)
            || StaticAssetRequests.IsStaticAsset(context))
        {
            return next(context);
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect(AccountPaths.ChangePassword);
            return Task.CompletedTask;
        }

        return StatusPages.WriteAsync(context, StatusCodes.Status403Forbidden, "Choose a new password first", "Your password was set by someone else: choose your own before doing anything else.");
    });
}
