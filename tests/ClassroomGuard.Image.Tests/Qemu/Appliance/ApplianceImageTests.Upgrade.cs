using System.Globalization;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

public sealed partial class ApplianceImageTests
{
    // Newer than any build's <UTC date>.<time>-<commit>; the broken one newer still, so either test may run first.
    private const string NewerVersion = "2099.01.01.000000-upgrade-test";
    private const string BrokenVersion = "2099.01.01.000001-broken-test";

    [BootFact]
    public Task Upgrade_NewerBundleFromAPluggedInDisk_SwitchesRelease_KeepsAccountCertificateAndFiltering() => appliance.RunAsync(images, output, async vm =>
    {
        var image = await images.ApplianceAsync(output);
        var before = await CurrentReleaseAsync(vm);
        var fingerprint = await appliance.Console.PresentedFingerprintAsync();

        var result = await UpgradeFromDiskAsync(vm, image, NewerVersion, breakConsole: false);

        Assert.True(result.ExitCode == 0, $"upgrade.sh from {before} to {NewerVersion} failed: {result}");
        Assert.Contains($"ClassroomGuard upgraded: {before} -> {NewerVersion}", result.Output, StringComparison.Ordinal);
        Assert.Equal(NewerVersion, await CurrentReleaseAsync(vm));
        await AssertStillTheSameApplianceAsync(vm, fingerprint);
    });

    [BootFact]
    public Task Upgrade_BrokenBundle_RollsBackToTheRunningRelease_AndKeepsServing() => appliance.RunAsync(images, output, async vm =>
    {
        var image = await images.ApplianceAsync(output);
        var before = await CurrentReleaseAsync(vm);
        var fingerprint = await appliance.Console.PresentedFingerprintAsync();

        var result = await UpgradeFromDiskAsync(vm, image, BrokenVersion, breakConsole: true);

        Assert.True(result.ExitCode == 1, $"upgrade.sh to a release whose console cannot start should roll back (exit 1): {result}");
        Assert.Contains($"ClassroomGuard is back on {before}", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await CurrentReleaseAsync(vm));
        await AssertStillTheSameApplianceAsync(vm, fingerprint);
    });

    /// <summary>
    /// Writes the bundle on the host, plugs it in as a disk, and has the guest copy it off and run the installed
    /// release's <c>image/upgrade.sh</c> on it, as a technician with a USB stick would.
    /// </summary>
    private async Task<GuestAgent.Result> UpgradeFromDiskAsync(QemuMachine vm, BuiltImage image, string version, bool breakConsole)
    {
        var bundle = Path.Combine(vm.Folder, $"classroomguard-{version}-upgrade.tar");
        await UpgradeBundle.WriteAsync(image.UpgradeBundle!, bundle, image.Version, version, breakConsole);
        var serial = breakConsole ? "cg-broken" : "cg-upgrade";
        await vm.AttachReadOnlyDiskAsync(bundle, serial);
        var seconds = (int)Acceleration.Scaled(TimeSpan.FromSeconds(180)).TotalSeconds;
        var script = string.Create(CultureInfo.InvariantCulture, $$"""
            set -e
            test -x /opt/classroomguard/current/image/upgrade.sh || { echo "this image has no image/upgrade.sh" >&2; exit 69; }
            for i in $(seq 60); do [ -b /dev/disk/by-id/virtio-{{serial}} ] && break; sleep 1; done
            cat /dev/disk/by-id/virtio-{{serial}} > /var/tmp/{{serial}}.tar
            rc=0; /opt/classroomguard/current/image/upgrade.sh /var/tmp/{{serial}}.tar --timeout {{seconds}} || rc=$?
            rm -f /var/tmp/{{serial}}.tar
            exit $rc
            """);
        var result = await vm.Agent.ShellAsync(script, timeout: Acceleration.Scaled(TimeSpan.FromMinutes(8)));
        output.WriteLine($"upgrade.sh to {version}: {result}");
        return result;
    }

    /// <summary>The version <c>/opt/classroomguard/current</c> points at.</summary>
    private static async Task<string> CurrentReleaseAsync(QemuMachine vm) =>
        Path.GetFileName((await vm.Agent.CheckAsync("readlink /opt/classroomguard/current")).Trim());

    /// <summary>Settings and data kept: the same certificate, the same account and password, the state database healthy, DNS filtering.</summary>
    private async Task AssertStillTheSameApplianceAsync(QemuMachine vm, string fingerprint)
    {
        var (status, health) = await appliance.Console.HealthAsync(Acceleration.Scaled(TimeSpan.FromMinutes(3)));
        output.WriteLine($"/healthz {(int)status}: {health.RootElement}");
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("state").GetString());
        Assert.Equal(fingerprint, await appliance.Console.PresentedFingerprintAsync());
        Assert.Equal("/account/password", await appliance.Console.SignInAsync("admin", appliance.Password));
        await ForwardedDns.WaitUntilAnsweringAsync(vm.DnsPort, Acceleration.Scaled(TimeSpan.FromMinutes(1)));
        Assert.Contains("status: NXDOMAIN", await ForwardedDns.DigAsync(vm.DnsPort, "use-application-dns.net"), StringComparison.Ordinal);
    }
}
