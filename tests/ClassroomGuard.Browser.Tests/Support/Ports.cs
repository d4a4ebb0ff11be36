namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>The browser tests' name for <see cref="LoopbackPorts"/> (tests/ClassroomGuard.TestSupport).</summary>
public static class Ports
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreeTcp() => LoopbackPorts.FreeTcp();

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (DNS serves both).</summary>
    public static int FreeUdpAndTcp() => LoopbackPorts.FreeUdpAndTcp();
}
