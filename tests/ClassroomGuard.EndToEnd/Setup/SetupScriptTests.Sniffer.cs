using System.Globalization;
using System.Text.RegularExpressions;
using ClassroomGuard.EndToEnd.Support;

namespace ClassroomGuard.EndToEnd.Setup;

/// <summary>The sniffer as set-up starts it: on the mirror port it was given, as the service user, with CAP_NET_RAW only.</summary>
public sealed partial class SetupScriptTests
{
    /// <summary>
    /// The running sniffer is the service user's (every uid), holds exactly CAP_NET_RAW (bit 13) in its effective,
    /// permitted and bounding sets, and cannot gain more (no_new_privs) — what the systemd unit's AmbientCapabilities=,
    /// CapabilityBoundingSet= and NoNewPrivileges= give it.
    /// </summary>
    private static async Task AssertSnifferRunsWithOnlyNetRawAsync(string prefix, string serviceUser, MirrorPort mirror, string setupOutput)
    {
        Assert.Contains($"Bringing {mirror.Interface} up", setupOutput, StringComparison.Ordinal);
        Assert.Contains($"Sniffer:      capturing on {mirror.Interface}", setupOutput, StringComparison.Ordinal);
        var pid = (await File.ReadAllTextAsync(Path.Combine(prefix, "run/classroomguard/sniffer.pid"))).Trim();
        var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');
        Assert.Contains(Path.Combine(prefix, "opt/classroomguard/sniffer/ClassroomGuard.Sniffer.dll"), commandLine, StringComparison.Ordinal);

        var uid = (await ScriptRunner.RunProcessAsync("id", ["-u", serviceUser])).Trim();
        var status = await File.ReadAllTextAsync($"/proc/{pid}/status");
        Assert.Matches($@"(?m)^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", status);
        Assert.Matches(@"(?m)^CapEff:\s+0000000000002000$", status);
        Assert.Matches(@"(?m)^CapPrm:\s+0000000000002000$", status);
        Assert.Matches(@"(?m)^CapBnd:\s+0000000000002000$", status);
        Assert.Matches(@"(?m)^NoNewPrivs:\s+1$", status);
    }

    /// <summary>
    /// Each sniffer set-up started logged, when stopped, the kernel's counters for the mirror port: the first one (stopped
    /// by the second set-up run) received at least the device's <paramref name="sent"/> datagrams, and none was dropped.
    /// </summary>
    private static async Task AssertSnifferCapturedAsync(string prefix, MirrorPort mirror, int sent)
    {
        var log = await File.ReadAllTextAsync(Path.Combine(prefix, "var/log/classroomguard/sniffer.log"));
        var finals = FinalCaptureStatistics().Matches(log);
        Assert.True(finals.Count == 2, "expected the final statistics of two sniffer runs in sniffer.log:\n" + log);
        Assert.All(finals, m => Assert.Equal(mirror.Interface, m.Groups["iface"].Value));
        Assert.True(long.Parse(finals[0].Groups["received"].Value, CultureInfo.InvariantCulture) >= sent, finals[0].Value);
        Assert.All(finals, m => Assert.Equal("0", m.Groups["dropped"].Value));
    }

    [GeneratedRegex(@"Final capture statistics of (?<iface>\S+): received (?<received>\d+), dropped (?<dropped>\d+)")]
    private static partial Regex FinalCaptureStatistics();
}
