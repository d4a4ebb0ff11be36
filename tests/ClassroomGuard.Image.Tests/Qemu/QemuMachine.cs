using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// One virtual PC booting a built image under qemu: q35, 2 CPUs, 2 GiB, UEFI from Debian's OVMF, the disk as a fresh
/// qcow2 overlay, user-mode networking with <c>restrict=on</c> (the guest reaches nothing outside) and the console's
/// HTTPS and the DNS filter forwarded to 127.0.0.1 only. The test reads its serial console, presses its buttons over
/// QMP and runs commands in it through the guest agent. Disposing kills qemu and deletes everything it wrote.
/// </summary>
internal sealed class QemuMachine : IAsyncDisposable
{
    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE.fd";
    public const string OvmfVars = "/usr/share/OVMF/OVMF_VARS.fd";

    private const int HotplugSlots = 2;
    private readonly Process process;
    private readonly StringBuilder qemuSays = new();
    private readonly DirectoryInfo folder;
    private int disksAttached;

    private QemuMachine(Process process, DirectoryInfo folder, int httpsPort, int dnsPort)
    {
        this.process = process;
        this.folder = folder;
        HttpsPort = httpsPort;
        DnsPort = dnsPort;
        Serial = new SerialConsole(Path.Combine(folder.FullName, "serial.log"));
        Agent = new GuestAgent(Path.Combine(folder.FullName, "qga.sock"));
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>127.0.0.1's port forwarded to the guest's 8443 (the console, HTTPS).</summary>
    public int HttpsPort { get; }

    /// <summary>127.0.0.1's UDP port forwarded to the guest's 53 (the DNS filter).</summary>
    public int DnsPort { get; }

    public SerialConsole Serial { get; }

    public GuestAgent Agent { get; }

    public QmpClient Qmp { get; private set; } = null!;

    public bool Running => !process.HasExited;

    /// <summary>Where the overlay, firmware variables, serial log and sockets live (deleted on dispose).</summary>
    public string Folder => folder.FullName;

    /// <summary>Makes the overlay and firmware variables, starts qemu and connects to its QMP socket.</summary>
    public static async Task<QemuMachine> StartAsync(QemuMachineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireTools();
        var folder = Directory.CreateTempSubdirectory("cg-qemu-");
        QemuMachine? machine = null;
        try
        {
            var (baseImage, baseFormat) = options.EspFiles.Count == 0
                ? (Path.GetFullPath(options.BaseImage), options.BaseFormat)
                : (await WithEspFilesAsync(options, folder.FullName), "raw");
            var overlay = Path.Combine(folder.FullName, "disk.qcow2");
            await ProcessRunner.CheckAsync("qemu-img", "create", "-q", "-f", "qcow2", "-b", baseImage, "-F", baseFormat, overlay);
            var vars = Path.Combine(folder.FullName, "OVMF_VARS.fd");
            File.Copy(OvmfVars, vars);
            var httpsPort = LoopbackPorts.FreeTcp();
            var dnsPort = LoopbackPorts.FreeUdpAndTcp();
            var arguments = Arguments(options, folder.FullName, overlay, vars, httpsPort, dnsPort);
            machine = new QemuMachine(ProcessRunner.Start("qemu-system-x86_64", arguments), folder, httpsPort, dnsPort);
            machine.Qmp = await QmpClient.ConnectAsync(Path.Combine(folder.FullName, "qmp.sock"), TimeSpan.FromSeconds(30));
            return machine;
        }
        catch (Exception e)
        {
            var said = machine?.QemuSays ?? string.Empty;
            if (machine is not null)
            {
                await machine.DisposeAsync();
            }
            else
            {
                folder.Delete(recursive: true);
            }

            throw new InvalidOperationException($"qemu did not start: {e.Message}\n{said}", e);
        }
    }

    /// <summary>
    /// Plugs <paramref name="path"/> into the running machine as a read-only virtio disk (as a technician plugs in a USB
    /// stick); the guest sees it as <c>/dev/disk/by-id/virtio-SERIAL</c>. At most two per machine.
    /// </summary>
    public async Task AttachReadOnlyDiskAsync(string path, string serial)
    {
        var slot = Interlocked.Increment(ref disksAttached);
        if (slot > HotplugSlots)
        {
            throw new InvalidOperationException($"a test machine has {HotplugSlots} slots for extra disks");
        }

        await Qmp.ExecuteAsync("blockdev-add", new JsonObject
        {
            ["driver"] = "raw",
            ["node-name"] = serial,
            ["read-only"] = true,
            ["file"] = new JsonObject { ["driver"] = "file", ["filename"] = Path.GetFullPath(path), ["read-only"] = true },
        });
        await Qmp.ExecuteAsync("device_add", new JsonObject
        {
            ["driver"] = "virtio-blk-pci",
            ["drive"] = serial,
            ["id"] = serial,
            ["serial"] = serial,
            ["bus"] = string.Create(CultureInfo.InvariantCulture, $"hotplug{slot}"),
        });
    }

    /// <summary>What qemu itself printed (its errors and warnings), for failure messages.</summary>
    public string QemuSays
    {
        get
        {
            lock (qemuSays)
            {
                return qemuSays.ToString();
            }
        }
    }

    /// <summary>The serial console's last lines and qemu's own words: what a failing test prints.</summary>
    public string Diagnostics() => $"--- serial console (last lines) of {Serial.Path}\n{Serial.Tail()}\n--- qemu\n{QemuSays}";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Qmp?.Dispose();
        Agent.Dispose();
        process.Dispose();
        if (Environment.GetEnvironmentVariable("CG_KEEP_VM") is not { Length: > 0 })
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A sparse copy of the raw image with the files on its ESP, written by image/disk.sh's own disk_write_esp_file.</summary>
    private static async Task<string> WithEspFilesAsync(QemuMachineOptions options, string folder)
    {
        var raw = Path.Combine(folder, "base.raw");
        var source = options.RawImage ?? throw new InvalidOperationException("files for the ESP need the image's .raw (RawImage)");
        Must(await ProcessRunner.RunAsync("cp", ["--sparse=always", "--reflink=auto", source, raw], timeout: TimeSpan.FromMinutes(10)), "cp");
        var disk = Path.Combine(RepositoryRoot.Find(), "image/disk.sh");
        foreach (var (name, text) in options.EspFiles)
        {
            var file = Path.Combine(folder, "esp-" + Path.GetFileName(name));
            await File.WriteAllTextAsync(file, text);
            Must(await ProcessRunner.RunAsync("bash", ["-c", "source \"$1\" && disk_write_esp_file \"$2\" \"$3\" \"$4\"", "bash", disk, raw, name, file]), "disk_write_esp_file " + name);
        }

        return raw;
    }

    private static void Must(ProcessRunner.Result result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit {result.ExitCode}): {result.Error}{result.Output}");
        }
    }

    private static List<string> Arguments(QemuMachineOptions options, string folder, string overlay, string vars, int httpsPort, int dnsPort)
    {
        var netdev = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:{httpsPort}-:8443,hostfwd=udp:127.0.0.1:{dnsPort}-:53"));
        foreach (var forward in options.GuestForwards)
        {
            netdev.Append(",guestfwd=").Append(forward);
        }

        List<string> arguments =
        [
            "-nodefaults", "-no-user-config",
            "-machine", "q35", .. Acceleration.Arguments, "-m", options.MemoryMiB.ToString(CultureInfo.InvariantCulture), "-smp", "2",
            "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={OvmfCode}",
            "-drive", $"if=pflash,format=raw,unit=1,file={vars}",
            "-drive", $"if=virtio,format=qcow2,file={overlay}",
            "-netdev", netdev.ToString(), "-device", "virtio-net-pci,netdev=n0",
            // Entropy for the first boot's secrets, as a VM host gives it.
            "-device", "virtio-rng-pci",
            "-serial", $"file:{Path.Combine(folder, "serial.log")}",
            "-qmp", $"unix:{Path.Combine(folder, "qmp.sock")},server=on,wait=off",
            "-chardev", $"socket,path={Path.Combine(folder, "qga.sock")},server=on,wait=off,id=qga0",
            "-device", "virtio-serial", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
            "-display", "none",
        ];
        // Empty PCIe slots for disks plugged in while the machine runs (AttachReadOnlyDiskAsync): q35's root bus takes none.
        for (var slot = 1; slot <= HotplugSlots; slot++)
        {
            arguments.AddRange(["-device", string.Create(CultureInfo.InvariantCulture, $"pcie-root-port,id=hotplug{slot},chassis={slot}")]);
        }

        if (options.Display)
        {
            arguments.AddRange(["-vga", "virtio"]);
        }

        return arguments;
    }

    private static void RequireTools()
    {
        foreach (var (file, package) in new[] { (OvmfCode, "ovmf"), (OvmfVars, "ovmf"), ("/usr/bin/qemu-system-x86_64", "qemu-system-x86"), ("/usr/bin/qemu-img", "qemu-utils") })
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"{file} is missing: install Debian's {package} (sudo apt-get install {package}; tests/run.sh does this)");
            }
        }
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            lock (qemuSays)
            {
                qemuSays.AppendLine(line);
            }
        }
    }
}
