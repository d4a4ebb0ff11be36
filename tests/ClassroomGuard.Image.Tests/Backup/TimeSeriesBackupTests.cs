using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>
/// --with-timeseries against real influxd 1.6.7 run as set-up runs it (loopback HTTP and RPC ports, authentication
/// on): the points come back on a fresh install whose influxd had its own password, and the console's migrate
/// reaches it with the restored secrets.json.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TimeSeriesBackupTests(ITestOutputHelper output)
{
    private const int Points = 300;

    [Fact]
    public async Task BackupAndRestore_WithTimeseries_BringsThePointsAndTheCredentialsOntoTheFreshInflux()
    {
        // The fresh appliance's influxd has the same (set-up's) ports as the old one's, and a password of its own.
        var ports = (LoopbackPorts.FreeTcp(), LoopbackPorts.FreeTcp());
        using var school = await InstalledPrefix.CreateAsync("20261201.0900-aaaaaaa", ports);
        var schoolPassword = await school.InfluxPasswordAsync();
        var lines = Enumerable.Range(0, Points).Select(i => $"backup_test,host=pupil-{i % 7} value={i} {1_765_000_000L + i}000000000");
        using (var write = await InfluxAsync(school, schoolPassword, "write?db=classroomguard&rp=autogen", string.Join('\n', lines)))
        {
            Assert.True(write.IsSuccessStatusCode, await write.Content.ReadAsStringAsync());
        }

        var archive = Path.Combine(school.Root, "school.tar.gz");
        var backup = await school.RunScriptAsync("backup.sh", "--out", archive, "--with-timeseries", "--passphrase-file", school.PassphraseFile);
        output.WriteLine($"backup.sh exit {backup.ExitCode}:\n{backup.Output}{backup.Error}");
        Assert.Equal(0, backup.ExitCode);
        Assert.Contains("timeseries=yes", await ProcessRunner.CheckAsync("tar", "-xzOf", archive, "classroomguard-backup/manifest"), StringComparison.Ordinal);
        school.StopInflux();
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb", ports);
        Assert.NotEqual(schoolPassword, await fresh.InfluxPasswordAsync());

        var restore = await fresh.RunScriptAsync("restore.sh", archive, "--with-timeseries", "--passphrase-file", fresh.PassphraseFile);
        output.WriteLine($"restore.sh exit {restore.ExitCode}:\n{restore.Output}{restore.Error}");
        Assert.Equal(0, restore.ExitCode);
        Assert.DoesNotContain("warning", restore.Error, StringComparison.Ordinal); // migrate reached InfluxDB with the restored credentials
        Assert.Equal(schoolPassword, await fresh.InfluxPasswordAsync());

        // The fresh influxd, asked with the school's credentials it did not have before the restore, has the school's points.
        using var count = await InfluxAsync(fresh, schoolPassword, "query?db=classroomguard&q=" + Uri.EscapeDataString("SELECT count(value) FROM autogen.backup_test"), null);
        var answer = await count.Content.ReadAsStringAsync();
        output.WriteLine(answer);
        Assert.True(count.IsSuccessStatusCode, answer);
        Assert.Contains($"\"values\":[[\"1970-01-01T00:00:00Z\",{Points}]]", answer, StringComparison.Ordinal);
    }

    /// <summary>A GET (no body) or POST to the install's InfluxDB as user classroomguard.</summary>
    private static async Task<HttpResponseMessage> InfluxAsync(InstalledPrefix install, string password, string pathAndQuery, string? body)
    {
        using var client = new HttpClient { BaseAddress = new Uri(install.InfluxUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("classroomguard:" + password)));
        using var content = body is null ? null : new StringContent(body);
        return body is null ? await client.GetAsync(new Uri(pathAndQuery, UriKind.Relative)) : await client.PostAsync(new Uri(pathAndQuery, UriKind.Relative), content);
    }
}
