using System.Globalization;
using System.Text.Json;
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
        Assert.Contains(Path.Combine(prefix, "opt/classroomguard/current/sniffer/ClassroomGuard.Sniffer.dll"), commandLine, StringComparison.Ordinal);

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

    /// <summary>
    /// The device's traffic, seen on the mirror port, made it a device in the state database (its MAC and address,
    /// discovered by the sniffer) and <c>net_activity</c> points in the install's influxd carrying at least the datagrams
    /// it sent. Both are written in the background each second: polled for up to a minute.
    /// </summary>
    private static async Task AssertDeviceDiscoveredWithActivityAsync(string prefix, string influxPort, MirrorPort mirror, int sent)
    {
        var database = Path.Combine(prefix, "var/lib/classroomguard/state.db");
        var query = "SELECT d.id, d.source, i.ip FROM devices d JOIN device_macs m ON m.device_id = d.id " +
            $"JOIN device_ips i ON i.device_id = d.id WHERE m.mac = '{mirror.DeviceMac}' AND i.ip = '{mirror.DeviceIp}'";
        var row = await PollAsync(async () => (await ScriptRunner.RunProcessAsync("sqlite3", ["-readonly", "-cmd", ".timeout 5000", database, query])).Trim());
        Assert.True(row.Length > 0, $"device {mirror.DeviceMac} {mirror.DeviceIp} not in the state database");
        var columns = row.Split('|');
        Assert.Equal(["sniffer", mirror.DeviceIp], columns[1..]);

        // Points name the device once the sniffer's device map has it, the bare address before that: count both.
        var influx = "SELECT sum(packets_out), sum(bytes_out) FROM net_activity " +
            $"WHERE time > now() - 1h AND (device = '{columns[0]}' OR client = '{mirror.DeviceIp}')";
        long[] totals = [];
        await PollAsync(async () =>
        {
            totals = await QueryInfluxSumsAsync(prefix, influxPort, influx);
            return totals.Length == 2 && totals[0] >= sent ? "done" : string.Empty;
        });
        Assert.True(totals.Length == 2 && totals[0] >= sent, $"net_activity packets_out for the device: [{string.Join(", ", totals)}], sent {sent}");
        Assert.True(totals[1] >= sent * 1000L, $"net_activity bytes_out {totals[1]} for {sent} datagrams of 1,000 bytes");
    }

    /// <summary>The first row's numbers of an InfluxQL query against the install's influxd, with its own credentials.</summary>
    private static async Task<long[]> QueryInfluxSumsAsync(string prefix, string port, string query)
    {
        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(prefix, "etc/classroomguard/secrets.json")));
        var influx = secrets.RootElement.GetProperty("Influx");
        using var client = new HttpClient();
        var url = new Uri($"http://127.0.0.1:{port}/query?db=classroomguard&u={Uri.EscapeDataString(influx.GetProperty("Username").GetString()!)}" +
            $"&p={Uri.EscapeDataString(influx.GetProperty("Password").GetString()!)}&q={Uri.EscapeDataString(query)}");
        using var json = JsonDocument.Parse(await client.GetStringAsync(url));
        var result = json.RootElement.GetProperty("results")[0];
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        if (!result.TryGetProperty("series", out var series))
        {
            return [];
        }

        return [.. series[0].GetProperty("values")[0].EnumerateArray().Skip(1).Select(v => v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0)];
    }

    /// <summary>Calls <paramref name="probe"/> until it returns something non-empty, for up to a minute; returns the last answer.</summary>
    private static async Task<string> PollAsync(Func<Task<string>> probe)
    {
        var answer = string.Empty;
        for (var i = 0; i < 300 && answer.Length == 0; i++)
        {
            if (i > 0)
            {
                await Task.Delay(200);
            }

            answer = await probe();
        }

        return answer;
    }

    [GeneratedRegex(@"Final capture statistics of (?<iface>\S+): received (?<received>\d+), dropped (?<dropped>\d+)")]
    private static partial Regex FinalCaptureStatistics();
}
