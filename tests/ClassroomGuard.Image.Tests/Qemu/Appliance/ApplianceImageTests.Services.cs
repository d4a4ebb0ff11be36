using System.Globalization;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

public sealed partial class ApplianceImageTests
{
    /// <summary>Each service, and the capabilities its unit grants (effective, permitted, ambient and bounding alike).</summary>
    private static readonly (string Unit, string[] Capabilities, bool Always)[] Services =
    [
        ("classroomguard-console.service", [], true),
        ("classroomguard-dnsfilter.service", ["CAP_NET_BIND_SERVICE"], true),
        ("classroomguard-influxdb.service", [], true),
        // Started only once a mirror port is chosen: this machine has one network card, so maybe not.
        ("classroomguard-sniffer.service", ["CAP_NET_RAW"], false),
    ];

    [BootFact]
    public Task Services_RunAsClassroomguard_WithExactlyTheCapabilitiesTheirUnitsGrant() => appliance.RunAsync(images, output, async vm =>
    {
        await ForwardedDns.WaitUntilAnsweringAsync(vm.DnsPort, Acceleration.Scaled(TimeSpan.FromMinutes(2)));
        var uid = int.Parse((await vm.Agent.CheckAsync("id -u classroomguard")).Trim(), CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);
        foreach (var (unit, capabilities, always) in Services)
        {
            var pid = await MainPidAsync(vm, unit);
            if (pid == 0)
            {
                Assert.False(always, $"{unit} is not running: {await vm.Agent.ShellAsync($"systemctl status --no-pager {unit}")}");
                output.WriteLine($"{unit}: not running (no mirror port chosen)");
                continue;
            }

            var status = ProcessStatus.Parse(await vm.Agent.CheckAsync($"cat /proc/{pid}/status"));
            var expected = ProcessStatus.MaskOf(capabilities);
            output.WriteLine($"{unit}: pid {pid}, uids {string.Join('/', status.Uids)}, CapEff {ProcessStatus.Describe(status.CapEff)}, CapPrm {ProcessStatus.Describe(status.CapPrm)}, CapAmb {ProcessStatus.Describe(status.CapAmb)}, CapBnd {ProcessStatus.Describe(status.CapBnd)}");
            Assert.All(status.Uids, u => Assert.Equal(uid, u));
            Assert.True(expected == status.CapEff, $"{unit}: effective capabilities {ProcessStatus.Describe(status.CapEff)}, expected {ProcessStatus.Describe(expected)}");
            Assert.True(expected == status.CapPrm, $"{unit}: permitted capabilities {ProcessStatus.Describe(status.CapPrm)}, expected {ProcessStatus.Describe(expected)}");
            Assert.True(expected == status.CapBnd, $"{unit}: bounding set {ProcessStatus.Describe(status.CapBnd)}, expected {ProcessStatus.Describe(expected)}");
        }
    });

    [BootFact]
    public Task Units_InTheGuest_SystemdAnalyzeSecurityExposureAtMost2_5() => appliance.RunAsync(images, output, async vm =>
    {
        var worst = new List<string>();
        foreach (var (unit, _, _) in Services)
        {
            var analysis = await vm.Agent.ShellAsync($"systemd-analyze security --no-pager {unit}", timeout: Acceleration.Scaled(TimeSpan.FromMinutes(1)));
            output.WriteLine($"--- systemd-analyze security {unit} (exit {analysis.ExitCode})\n{analysis.Output}{analysis.Error}");
            var exposure = ExposureLine().Match(analysis.Output);
            Assert.True(exposure.Success, $"no overall exposure for {unit}: {analysis}");
            var level = double.Parse(exposure.Groups["level"].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"{unit}: exposure {level}");
            if (level > 2.5)
            {
                worst.Add($"{unit} {level}");
            }
        }

        Assert.True(worst.Count == 0, "exposure above 2.5: " + string.Join(", ", worst));
    });

    /// <summary>The unit's main process id, or 0 when it does not run.</summary>
    private static async Task<int> MainPidAsync(QemuMachine vm, string unit) =>
        int.Parse((await vm.Agent.CheckAsync($"systemctl show -p MainPID --value {unit}")).Trim(), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Overall exposure level for \S+: (?<level>[0-9.]+)")]
    private static partial Regex ExposureLine();
}
