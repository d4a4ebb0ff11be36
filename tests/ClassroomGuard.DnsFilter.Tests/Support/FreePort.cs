namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>The DNS filter tests' name for <see cref="LoopbackPorts"/> (tests/ClassroomGuard.TestSupport).</summary>
internal static class FreePort
{
    /// <summary>A loopback port free for both UDP and TCP right now (the caller binds it soon after).</summary>
    public static int Get() => LoopbackPorts.FreeUdpAndTcp();

    /// <summary>A loopback UDP port nobody listens on (bound then released; ICMP port-unreachable follows a send).</summary>
    public static int Dead() => Get();
}
