using System.Collections.Concurrent;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Checks a sign-in against the state store, which counts failures and locks accounts. So that the answers do not
/// tell whether a user name exists, unknown names are "locked" here too, after the same number of failures and for
/// the same time, and a disabled account gets the same answer as a wrong password.
/// </summary>
internal sealed class SignInService(StateStore store, IOptions<StateOptions> stateOptions, TimeProvider time, ILogger<SignInService> logger)
{
    // Bounded: a flood of made-up names cannot grow this without limit (the per-IP rate limit slows it first).
    private const int MaxUnknownNames = 10_000;
    private readonly ConcurrentDictionary<string, UnknownName> unknown = new(StringComparer.OrdinalIgnoreCase);

    public async Task<(SignInOutcome Outcome, UserAccount? User)> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var name = userName.Trim();
        var now = time.GetUtcNow();
        if (unknown.TryGetValue(name, out var phantom) && phantom.LockedUntil > now)
        {
            return (SignInOutcome.LockedOut, null);
        }

        var result = await store.Users.VerifyPasswordAsync(name, password, cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                Log.SignedIn(logger, result.User!.UserName);
                return (SignInOutcome.Succeeded, result.User);
            case SignInOutcome.LockedOut:
                Log.SignInLockedOut(logger, name);
                return (SignInOutcome.LockedOut, null);
            case SignInOutcome.Disabled:
                // Answered like a wrong password, and "locked" like an unknown name, so it cannot be told apart.
                Log.SignInFailed(logger, name, "disabled");
                return (CountUnknown(name, now) ? SignInOutcome.LockedOut : SignInOutcome.Failed, null);
        }

        if (await store.Users.FindByNameAsync(name, cancellationToken) is null && CountUnknown(name, now))
        {
            Log.SignInLockedOut(logger, name);
            return (SignInOutcome.LockedOut, null);
        }

        Log.SignInFailed(logger, name, "wrong name or password");
        return (SignInOutcome.Failed, null);
    }

    /// <summary>Counts a failure for a name that does not exist (or is disabled); true when it is now "locked".</summary>
    private bool CountUnknown(string name, DateTimeOffset now)
    {
        var options = stateOptions.Value;
        if (unknown.Count >= MaxUnknownNames)
        {
            foreach (var (key, value) in unknown)
            {
                if (value.LastFailure < now - options.LockoutDuration)
                {
                    unknown.TryRemove(key, out _);
                }
            }

            if (unknown.Count >= MaxUnknownNames)
            {
                unknown.Clear();
            }
        }

        var entry = unknown.AddOrUpdate(
            name,
            _ => new UnknownName(1, null, now),
            (_, old) => old.LockedUntil is { } until && until <= now ? new UnknownName(1, null, now) : old with { Count = old.Count + 1, LastFailure = now });
        if (entry.Count < options.LockoutThreshold)
        {
            return false;
        }

        unknown[name] = new UnknownName(0, now + options.LockoutDuration, now);
        return true;
    }

    private sealed record UnknownName(int Count, DateTimeOffset? LockedUntil, DateTimeOffset LastFailure);
}
