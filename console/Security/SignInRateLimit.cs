using System.Globalization;
using System.Threading.RateLimiting;
using ClassroomGuard.Console.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Sign-in attempts (POST /signin, and a classroom display's POST /kiosk/sign-in) per client IP address: a fixed one-minute window of
/// <see cref="ConsoleOptions.SignInAttemptsPerMinute"/>; beyond it a 429 page with Retry-After. Other requests
/// are not limited here.
/// </summary>
internal static class SignInRateLimit
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static bool IsSignIn(PathString path)
        => path.Equals(AccountPaths.SignIn, StringComparison.OrdinalIgnoreCase) || path.Equals(Kiosk.KioskPaths.SignIn, StringComparison.OrdinalIgnoreCase);

    public static void Configure(RateLimiterOptions limiter, ConsoleOptions options)
    {
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            HttpMethods.IsPost(context.Request.Method) && IsSignIn(context.Request.Path)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInAttemptsPerMinute, Window = Window, QueueLimit = 0, AutoReplenishment = true })
                : RateLimitPartition.GetNoLimiter(string.Empty));
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            Log.SignInRateLimited(context.RequestServices.GetRequiredService<ILogger<RateLimiterOptions>>(), context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            context.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await StatusPages.WriteAsync(
                context,
                StatusCodes.Status429TooManyRequests,
                "Too many sign-in attempts",
                "Too many sign-in attempts came from this computer. Wait a minute, then try again.");
        };
    }
}
