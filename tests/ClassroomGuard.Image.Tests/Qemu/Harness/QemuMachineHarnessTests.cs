using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Qemu.Harness;

/// <summary>
/// The machine harness without a built image: qemu boots Debian's OVMF with an empty disk (the firmware finds nothing
/// to boot and says so on the serial console), QMP answers and grabs the screen, and disposing leaves nothing behind.
/// </summary>
[Collection(BootedImagesCollection.Name)]
public sealed class QemuMachineHarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EmptyDisk_FirmwareTalksOnSerial_QmpAnswers_DisposeCleansUp()
    {
        var empty = Directory.CreateTempSubdirectory("cg-qemu-empty-");
        try
        {
            var disk = Path.Combine(empty.FullName, "empty.qcow2");
            await ProcessRunner.CheckAsync("qemu-img", "create", "-q", "-f", "qcow2", disk, "64M");
            string folder;
            await using (var machine = await QemuMachine.StartAsync(new QemuMachineOptions(disk) { Display = true, MemoryMiB = 256 }))
            {
                folder = machine.Folder;
                output.WriteLine($"qemu with {Acceleration.Describe()}, https on 127.0.0.1:{machine.HttpsPort}, dns on 127.0.0.1:{machine.DnsPort}");
                var status = await machine.Qmp.ExecuteAsync("query-status");
                Assert.Equal("running", status!["status"]!.GetValue<string>());

                // OVMF's boot manager reports each boot option it tries (the disk, then the network) on the serial port.
                var said = await machine.Serial.WaitForAsync(new Regex("BdsDxe|UEFI|Shell", RegexOptions.IgnoreCase), Acceleration.Scaled(TimeSpan.FromSeconds(60)), stillRunning: () => machine.Running);
                output.WriteLine("serial: " + said.Value);

                var png = Path.Combine(empty.FullName, "screen.png");
                await machine.Qmp.ScreenDumpAsync(png);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);

                // The overlay is what the machine writes: the base image stays as built.
                Assert.True(File.Exists(Path.Combine(folder, "disk.qcow2")));
                var info = JsonNode.Parse(await ProcessRunner.CheckAsync("qemu-img", "info", "-U", "--output=json", Path.Combine(folder, "disk.qcow2")))!;
                Assert.Equal(disk, info["backing-filename"]!.GetValue<string>());

                // A disk plugged in while it runs (an upgrade bundle, in the appliance tests) shows in qemu's block list.
                var stick = Path.Combine(empty.FullName, "stick.raw");
                await File.WriteAllBytesAsync(stick, new byte[1024 * 1024]);
                await machine.AttachReadOnlyDiskAsync(stick, "cg-stick");
                var blocks = (await machine.Qmp.ExecuteAsync("query-block"))!.ToJsonString();
                Assert.Contains(stick, blocks, StringComparison.Ordinal);

                // The forwarded HTTPS port is bound by qemu on loopback only.
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, machine.HttpsPort);
            }

            Assert.False(Directory.Exists(folder), "the machine's folder was left behind");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
