using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Sniffer.Tests.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// Alert attribution depends on discovery seeing each packet before the detector: the service refuses to start with the
/// sinks the other way round (the program tests start it with the order Program.cs registers).
/// </summary>
public sealed class SinkOrderTests
{
    [Fact]
    public void Check_DiscoveryBeforeDetector_Accepted_ReversedRefused()
    {
        using var rig = new AccountingRig();
        using var harness = new CircumventionHarness();

        SnifferService.CheckSinkOrder([rig.Accountant, rig.Discovery, harness.Detector]);
        SnifferService.CheckSinkOrder([harness.Detector]); // detection alone (no discovery): nothing to wait for

        var error = Assert.Throws<InvalidOperationException>(() => SnifferService.CheckSinkOrder(new IPacketSink[] { rig.Accountant, harness.Detector, rig.Discovery }));
        Assert.Contains("AddSniffer() before AddCircumventionDetection()", error.Message, StringComparison.Ordinal);
    }
}
