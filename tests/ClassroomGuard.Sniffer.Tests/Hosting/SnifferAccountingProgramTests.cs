using System.Globalization;
using System.Net;
using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Sniffer.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Sniffer.Tests.Hosting;

/// <summary>
/// The program as deployed, with InfluxDB and the state configured, reading the lab capture: its accounting writes
/// net_activity to the real influxd (the last second flushed at stop, before the writer stops) and its discovery puts the
/// lab's devices in the state.
/// </summary>
[Collection(LabCaptureCollection.Name)]
public sealed class SnifferAccountingProgramTests(LabCaptureFixture lab)
{
    [Fact]
    public async Task Program_ReadFileWithInfluxAndState_WritesNetActivityAndDevices()
    {
        var influxd = new InfluxdFixture();
        await influxd.InitializeAsync();
        using var state = new TempState();
        var spool = Directory.CreateTempSubdirectory("cg-sniffer-spool-");
        try
        {
            await influxd.Server.QueryRawAsync("CREATE DATABASE lab");
            var result = await Tool.RunAsync("dotnet", [
                Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Sniffer.dll"),
                "--Sniffer:ReadFile=" + lab.PcapPath,
                "--Influx:Url=" + influxd.Server.Url,
                "--Influx:Database=lab",
                "--Influx:RetentionPolicy=autogen",
                "--Influx:Provision=false",
                "--Influx:SpoolDirectory=" + spool.FullName,
                "--State:Path=" + state.Options.Path,
                "--Sniffer:Circumvention:Ut1Directory=", // circumvention runs alongside, without the UT1 lists
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:ClassroomGuard.Sniffer.Accounting=Information",
            ], timeout: TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.Error + result.Output);
            Assert.Contains("Accounting: local networks 10.0.0.0/8", result.Output, StringComparison.Ordinal);

            // The DHCP client is in the state under its host name, with the address the server acknowledged.
            var devices = await state.Store.Devices.ListAsync(null, CancellationToken.None);
            var pupil = Assert.Single(devices, d => d.Hostname == LabCaptureFixture.DhcpHostName);
            Assert.Single(pupil.Macs);

            // Every packet with a local source is counted once as out, over all the points written.
            var local = LocalNetworks.Parse(LocalNetworks.Defaults);
            var sources = (await Tool.CheckAsync("tshark", "-r", lab.PcapPath, "-Y", "ip or ipv6", "-T", "fields", "-E", "separator=/t", "-e", "ip.src", "-e", "ipv6.src"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t').First(f => f.Length > 0).Split(',')[0]) // ICMP errors quote an inner header too
                .Count(ip => local.Contains(NetAddress.FromIPAddress(IPAddress.Parse(ip))));
            var sums = await influxd.Server.QueryRawAsync("SELECT sum(packets_out) FROM net_activity", "lab");
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $",{sources}]"), sums, StringComparison.Ordinal);

            var sites = await influxd.Server.QueryRawAsync("SELECT top_sites FROM net_activity", "lab");
            Assert.True(LabCaptureFixture.SniNames.Count(name => sites.Contains(name + "=", StringComparison.Ordinal)) >= 2, sites);
        }
        finally
        {
            await influxd.DisposeAsync();
            spool.Delete(recursive: true);
        }
    }
}
