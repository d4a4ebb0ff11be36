using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Sniffer.Tests.Circumvention;

/// <summary>The sniffer program with circumvention detection: replaying the lab capture into a state database, and bad settings.</summary>
[Collection(LabCaptureCollection.Name)]
public sealed class CircumventionProgramTests(LabCaptureFixture lab)
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll");

    [Fact]
    public async Task Program_LabCaptureWithOtherResolver_OneAlertWrittenBeforeExit()
    {
        var dir = Directory.CreateTempSubdirectory("cg-circumvention-file-");
        try
        {
            var statePath = Path.Combine(dir.FullName, "state.db");

            // The lab's pupil asked 10.213.N.1 (dnsmasq) three times, over UDP and TCP; here the appliance is elsewhere.
            var result = await Tool.RunAsync("dotnet", [Program, "--Sniffer:ReadFile=" + lab.PcapPath, "--State:Path=" + statePath,
                "--Sniffer:Circumvention:Ut1Directory=" + CircumventionHarness.RealUt1Root, "--Sniffer:Circumvention:ApplianceAddresses:0=192.0.2.53"]);
            Assert.True(result.ExitCode == 0, result.Error + result.Output);

            using var store = StateStore.Open(new StateOptions { Path = statePath });
            var alert = Assert.Single(await store.Alerts.ListUnacknowledgedAsync(CancellationToken.None));
            Assert.Equal(AlertKind.Circumvention, alert.Kind);
            Assert.Equal("other-resolver", alert.Category);
            Assert.Equal(LabCaptureFixture.DnsNames[0], alert.Domain);
            // The pupil got its address by DHCP earlier in the capture: the alert names that device, though the file is
            // read far faster than real time (attribution follows the capture's timeline).
            var pupil = Assert.Single(await store.Devices.ListAsync(null, CancellationToken.None), d => d.Hostname == LabCaptureFixture.DhcpHostName);
            Assert.Equal(pupil.Id, alert.DeviceId);
            Assert.StartsWith($"{lab.ClientIp} sent a DNS query (UDP) for {LabCaptureFixture.DnsNames[0]} to ", alert.Evidence, StringComparison.Ordinal);
            Assert.Contains("; MAC ", alert.Evidence, StringComparison.Ordinal);

            // With the lab's server as the appliance, the same capture is clean.
            var cleanPath = Path.Combine(dir.FullName, "clean.db");
            var serverIp = lab.ClientIp[..lab.ClientIp.LastIndexOf('.')] + ".1";
            var clean = await Tool.RunAsync("dotnet", [Program, "--Sniffer:ReadFile=" + lab.PcapPath, "--State:Path=" + cleanPath,
                "--Sniffer:Circumvention:Ut1Directory=" + CircumventionHarness.RealUt1Root, "--Sniffer:Circumvention:ApplianceAddresses:0=" + serverIp]);
            Assert.True(clean.ExitCode == 0, clean.Error + clean.Output);
            using var cleanStore = StateStore.Open(new StateOptions { Path = cleanPath });
            Assert.Empty(await cleanStore.Alerts.ListUnacknowledgedAsync(CancellationToken.None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--Sniffer:Circumvention:Ut1Directory=/nonexistent/ut1", "Sniffer:Circumvention:Ut1Directory '/nonexistent/ut1' is not a directory")]
    [InlineData("--Sniffer:LocalNetworks:0=10.0.0.0/99", "Sniffer:LocalNetworks:0 '10.0.0.0/99' is not an address or a network")]
    [InlineData("--Sniffer:Circumvention:AlertInterval=00:00:00", "Sniffer:Circumvention:AlertInterval must be between")]
    public async Task Program_BadCircumventionSetting_Exit78NamingIt(string setting, string message)
    {
        // Every data path is the test's own (the lists' default is the appliance's /var/lib/classroomguard/lists/ut1);
        // the setting under test comes last and wins.
        var dir = Directory.CreateTempSubdirectory("cg-circumvention-bad-");
        try
        {
            var result = await Tool.RunAsync("dotnet", [Program, "--Sniffer:ReadFile=" + lab.PcapPath, "--State:Path=" + Path.Combine(dir.FullName, "never.db"),
                "--Sniffer:Circumvention:Ut1Directory=" + CircumventionHarness.RealUt1Root, setting]);
            Assert.Equal(78, result.ExitCode);
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
