using ClassroomGuard.DnsFilter.Policy;

namespace ClassroomGuard.DnsFilter.Server;

/// <summary>
/// Answers one well-formed query (the server has already answered malformed ones and applies UDP truncation
/// afterwards). The default is <see cref="PolicyQueryHandler"/>: <see cref="IDnsPolicy"/>, then <see cref="IDnsResolver"/>.
/// Replace it to change the whole pipeline (e.g. SafeSearch CNAME rewrites that resolve the target).
/// </summary>
public interface IDnsQueryHandler
{
    /// <summary>Writes the response into <see cref="DnsRequestContext.Response"/> and returns its length (0 = send nothing).</summary>
    ValueTask<int> HandleAsync(DnsRequestContext request, CancellationToken cancellationToken);
}

/// <summary>Resolves a query through cache and upstreams into the context's response buffer.</summary>
public interface IDnsResolver
{
    /// <summary>Writes the answer (possibly from cache, possibly SERVFAIL) and returns its length.</summary>
    ValueTask<int> ResolveAsync(DnsRequestContext request, CancellationToken cancellationToken);
}

/// <summary>The default handler: asks the policy, then resolves what it lets through.</summary>
public sealed class PolicyQueryHandler : IDnsQueryHandler
{
    private readonly IDnsPolicy _policy;
    private readonly IDnsResolver _resolver;
    private readonly DnsCounters _counters;

    /// <summary>Creates the handler.</summary>
    public PolicyQueryHandler(IDnsPolicy policy, IDnsResolver resolver, DnsCounters counters)
    {
        _policy = policy;
        _resolver = resolver;
        _counters = counters;
    }

    /// <inheritdoc />
    public ValueTask<int> HandleAsync(DnsRequestContext request, CancellationToken cancellationToken)
    {
        var decision = _policy.Evaluate(request);
        switch (decision.Action)
        {
            case DnsPolicyAction.Answered:
                Interlocked.Increment(ref _counters.PolicyAnswered);
                return new ValueTask<int>(decision.ResponseLength);
            case DnsPolicyAction.Drop:
                return new ValueTask<int>(0);
            default:
                return _resolver.ResolveAsync(request, cancellationToken);
        }
    }
}
