using ClassroomGuard.DnsFilter.Server;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>What the policy decided for one query.</summary>
public enum DnsPolicyAction
{
    /// <summary>Resolve normally (cache, then upstream).</summary>
    Forward,
    /// <summary>The policy wrote a complete response into the context; its length is <see cref="DnsPolicyDecision.ResponseLength"/>.</summary>
    Answered,
    /// <summary>Send nothing.</summary>
    Drop,
}

/// <summary>The policy's verdict.</summary>
/// <param name="Action">What to do.</param>
/// <param name="ResponseLength">Length of the response written into <see cref="DnsRequestContext.Response"/> when <see cref="DnsPolicyAction.Answered"/>.</param>
public readonly record struct DnsPolicyDecision(DnsPolicyAction Action, int ResponseLength = 0)
{
    /// <summary>Resolve normally.</summary>
    public static DnsPolicyDecision Forward => new(DnsPolicyAction.Forward);

    /// <summary>Send nothing.</summary>
    public static DnsPolicyDecision Drop => new(DnsPolicyAction.Drop);

    /// <summary>A local answer of <paramref name="length"/> bytes already in the context's response buffer.</summary>
    public static DnsPolicyDecision Answered(int length) => new(DnsPolicyAction.Answered, length);
}

/// <summary>
/// The school policy's hook, called synchronously for every well-formed IN-class query before the cache.
/// It runs on the query path: it must not block, allocate per query, or throw. To block, write a local
/// answer (<see cref="DnsRequestContext.BeginResponse"/>, optionally an OPT with an Extended DNS Error,
/// <see cref="DnsRequestContext.FinishResponse"/>) and return <see cref="DnsPolicyDecision.Answered"/>.
/// </summary>
public interface IDnsPolicy
{
    /// <summary>Decides what happens to <paramref name="request"/>.</summary>
    DnsPolicyDecision Evaluate(DnsRequestContext request);
}

/// <summary>The default policy until the school policy exists: forwards everything.</summary>
public sealed class PassThroughDnsPolicy : IDnsPolicy
{
    /// <inheritdoc />
    public DnsPolicyDecision Evaluate(DnsRequestContext request) => DnsPolicyDecision.Forward;
}
