using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Security;

public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task SignIn_EleventhAttemptInAMinute_Is429WithRetryAfterAndPagesStillWork()
    {
        // The shipped default: 10 attempts per minute per address; a high lockout so only the rate limit acts.
        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}")) { SignInAttemptsPerMinute = 10, LockoutThreshold = 100 };
        using var session = ConsoleSession.Anonymous(factory);

        for (var i = 1; i <= 10; i++)
        {
            using var allowed = await session.SignInAttemptAsync("ratelimit.user", "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await session.SignInAttemptAsync("ratelimit.user", "wrong password 11");

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(1), limited.Headers.RetryAfter!.Delta);
        Assert.Contains("Too many sign-in attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await session.PageAsync("/signin"); // only sign-in attempts are limited
    }
}
