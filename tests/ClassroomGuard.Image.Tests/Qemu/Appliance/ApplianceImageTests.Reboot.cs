using System.Diagnostics;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

public sealed partial class ApplianceImageTests
{
    /// <summary>Where the password must never be written: everything persistent (not /proc, /sys, /run or /dev).</summary>
    private const string PersistentFolders = "/etc /var /opt /root /home /srv /boot /usr/local";

    [BootFact]
    public Task Reboot_KeepsPasswordCertificateAndData_ShowsHealthNotPassword_AndThePasswordIsNeverLogged() => appliance.RunAsync(images, output, async vm =>
    {
        var fingerprint = await appliance.Console.PresentedFingerprintAsync();
        var mark = vm.Serial.Mark();
        var clock = Stopwatch.StartNew();
        await vm.Agent.RebootAsync();

        var health = await vm.Serial.WaitForAsync(ApplianceBanner.HealthLine(), Acceleration.Scaled(TimeSpan.FromMinutes(4)), mark, () => vm.Running);
        output.WriteLine($"rebooted: banner after {clock.Elapsed.TotalSeconds:0} s, '{health.Value}'");
        var afterReboot = vm.Serial.Text()[mark..];
        Assert.Matches(ApplianceBanner.ConsoleLine(), afterReboot);
        Assert.DoesNotMatch(ApplianceBanner.PasswordLine(), afterReboot);
        await vm.Agent.WaitUntilAnsweringAsync(Acceleration.Scaled(TimeSpan.FromMinutes(2)));

        // The same console: certificate unchanged, the state database kept (the same account, the same password).
        var (status, healthz) = await appliance.Console.HealthAsync(Acceleration.Scaled(TimeSpan.FromMinutes(3)));
        output.WriteLine($"/healthz {(int)status}: {healthz.RootElement}");
        Assert.Equal("Healthy", healthz.RootElement.GetProperty("checks").GetProperty("state").GetString());
        Assert.Equal(fingerprint, await appliance.Console.PresentedFingerprintAsync());
        Assert.Equal("/account/password", await appliance.Console.SignInAsync("admin", appliance.Password));

        // The journal of both boots, and every persistent file, never hold a password the first boot showed. Each
        // reaches grep on its standard input, never in a command line.
        var boots = await vm.Agent.CheckAsync("journalctl --list-boots --no-pager");
        output.WriteLine("journal boots:\n" + boots);
        Assert.True(boots.Trim().Split('\n').Length >= 3, "the journal does not keep the boot before (no persistent journal): " + boots);
        output.WriteLine($"looking for the {appliance.ShownPasswords.Count} password(s) the first boot showed");
        foreach (var password in appliance.ShownPasswords)
        {
            Assert.DoesNotContain(password, afterReboot, StringComparison.Ordinal);
            foreach (var boot in new[] { "-1", "0" })
            {
                // Exit 1 only from grep finding nothing: an unreadable or empty journal exits 3 or 4.
                var found = await vm.Agent.ShellAsync(
                    $"read -r pw; j=$(journalctl -b {boot} --no-pager -o verbose) || exit 3; [ -n \"$j\" ] || exit 4; printf '%s' \"$j\" | grep -cF -- \"$pw\"",
                    password + "\n");
                output.WriteLine($"journal of boot {boot}: {found.Output.Trim()} lines with it (grep exit {found.ExitCode})");
                Assert.True(found.ExitCode == 1, $"the journal of boot {boot} holds a shown password, or could not be read: {found}");
            }

            var files = await vm.Agent.ShellAsync($"read -r pw; grep -rlsF --devices=skip -- \"$pw\" {PersistentFolders}", password + "\n", Acceleration.Scaled(TimeSpan.FromMinutes(2)));
            Assert.True(files.ExitCode == 1, $"files on the disk hold a shown password: {files}");
        }
    });
}
