using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.DnsFilter.Server;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>
/// The school policy on the query path: resolves the client, evaluates the current <see cref="CompiledPolicy"/>,
/// counts the decision and writes block answers. The compiled policy is replaced whole by <see cref="PolicyService"/>
/// (a volatile reference swap), so a query never waits on a lock or sees half a policy.
/// </summary>
public sealed class SchoolDnsPolicy : IDnsPolicy
{
    private readonly DnsActivity _activity;
    private readonly PolicyCounters _counters;
    private readonly TimeProvider _time;
    private CompiledPolicy? _current;

    /// <summary>Creates the policy (no compiled policy yet: forwards until <see cref="Swap"/> is called).</summary>
    public SchoolDnsPolicy(IOptions<DnsPolicyOptions> options, DnsActivity activity, PolicyCounters counters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _activity = activity;
        _counters = counters;
        _time = time;
        Answers = new BlockAnswer(options.Value);
        SafeSearch = new SafeSearchNames(options.Value);
    }

    /// <summary>The policy in force (null before the first compile).</summary>
    public CompiledPolicy? Current => Volatile.Read(ref _current);

    /// <summary>SafeSearch names and targets (shared by every compiled policy).</summary>
    public SafeSearchNames SafeSearch { get; }

    internal BlockAnswer Answers { get; }

    /// <summary>Puts <paramref name="policy"/> in force for the next query.</summary>
    public void Swap(CompiledPolicy policy) => Volatile.Write(ref _current, policy);

    /// <inheritdoc />
    public DnsPolicyDecision Evaluate(DnsRequestContext request) => Evaluate(request, out _);

    /// <summary>As <see cref="Evaluate(DnsRequestContext)"/>, also giving the verdict (a rewrite is returned as Forward with <see cref="PolicyOutcome.Rewrite"/>).</summary>
    public DnsPolicyDecision Evaluate(DnsRequestContext request, out PolicyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = Volatile.Read(ref _current);
        if (policy is null)
        {
            verdict = default;
            return DnsPolicyDecision.Forward;
        }

        var address = ClientKey.From(request.ClientAddress);
        var client = policy.ResolveClient(address);
        var now = _time.GetUtcNow();
        policy.Evaluate(request.Name, client, now, out verdict);
        Interlocked.Increment(ref _counters.Evaluated);
        _activity.Record(policy, client, address, request.Name, verdict, now);
        if (verdict.Outcome != PolicyOutcome.Block)
        {
            return DnsPolicyDecision.Forward;
        }

        Interlocked.Increment(ref _counters.Blocked);
        var length = Answers.Write(request, policy, verdict);
        return length > 0 ? DnsPolicyDecision.Answered(length) : DnsPolicyDecision.Drop;
    }
}
