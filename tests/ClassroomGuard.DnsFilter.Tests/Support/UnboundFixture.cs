namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>One unbound shared by a test class (tests that stop the upstream start their own).</summary>
public sealed class UnboundFixture : IDisposable
{
    public UnboundServer Unbound { get; } = new();

    public string Upstream => "127.0.0.1:" + Unbound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => Unbound.Dispose();
}
