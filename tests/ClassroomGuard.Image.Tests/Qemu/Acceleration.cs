using System.Diagnostics;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// KVM when it really runs a UEFI guest here, else qemu's software emulation (TCG), several times slower: every wait on
/// a guest scales with <see cref="Slowness"/>, so the same tests pass either way. Opening <c>/dev/kvm</c> is not proof:
/// nested set-ups such as PVM's paravirtual KVM open fine and then fail on the firmware's first instructions ("KVM
/// internal error"), so a short probe boots OVMF once. <c>CG_QEMU_ACCEL=kvm|tcg</c> skips the probe.
/// </summary>
internal static class Acceleration
{
    private static readonly Lazy<(bool Kvm, string Why)> Probed = new(Probe);

    public static bool Kvm => Probed.Value.Kvm;

    /// <summary>How much longer a guest takes than under KVM (a rough, generous factor for time-outs only).</summary>
    public static int Slowness => Kvm ? 1 : 6;

    /// <summary>qemu's accelerator and CPU model arguments.</summary>
    public static IEnumerable<string> Arguments => Kvm ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg", "-cpu", "max"];

    public static string Describe() => Kvm ? "KVM" : "TCG, software emulation (" + Probed.Value.Why + ")";

    /// <summary>A time-out measured under KVM, stretched for software emulation.</summary>
    public static TimeSpan Scaled(TimeSpan underKvm) => underKvm * Slowness;

    private static (bool, string) Probe()
    {
        switch (Environment.GetEnvironmentVariable("CG_QEMU_ACCEL"))
        {
            case "kvm":
                return (true, "CG_QEMU_ACCEL=kvm");
            case "tcg":
                return (false, "CG_QEMU_ACCEL=tcg");
        }

        try
        {
            using var kvm = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return (false, "/dev/kvm cannot be opened read-write");
        }

        return BootsFirmware();
    }

    /// <summary>Under working KVM, OVMF writes to the serial port within a second or two and qemu says nothing.</summary>
    private static (bool, string) BootsFirmware()
    {
        var folder = Directory.CreateTempSubdirectory("cg-kvm-probe-");
        try
        {
            var serial = Path.Combine(folder.FullName, "serial.log");
            using var qemu = ProcessRunner.Start("qemu-system-x86_64", [
                "-nodefaults", "-no-user-config", "-machine", "q35", "-accel", "kvm", "-cpu", "host", "-m", "128", "-display", "none",
                "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={QemuMachine.OvmfCode}", "-serial", $"file:{serial}",
            ]);
            var error = qemu.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(15) && !qemu.HasExited && !(File.Exists(serial) && new FileInfo(serial).Length > 0))
            {
                Thread.Sleep(100);
            }

            Thread.Sleep(500); // an internal error shows right after the first output
            var alive = !qemu.HasExited;
            if (alive)
            {
                qemu.Kill();
                qemu.WaitForExit();
            }

            var said = error.GetAwaiter().GetResult().Trim();
            var wrote = File.Exists(serial) && new FileInfo(serial).Length > 0;
            var works = wrote && said.Length == 0;
            return (works, works ? "KVM" : "KVM did not run the firmware: " + (said.Length > 0 ? said.Split('\n')[0] : "no serial output in 15 s"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
