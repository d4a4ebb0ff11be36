namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>One built image as <c>image/build.sh</c> leaves it in its output folder (docs/image.md).</summary>
/// <param name="Qcow2">The disk for virtual machines (what the tests boot, under an overlay).</param>
/// <param name="Raw">The same disk as a raw file (what a technician writes to a PC).</param>
/// <param name="Version">The release version in the file names.</param>
/// <param name="UpgradeBundle">The appliance's <c>-upgrade.tar</c>; none for the kiosk image.</param>
public sealed record BuiltImage(string Qcow2, string Raw, string Version, string? UpgradeBundle)
{
    private const string KioskPrefix = "classroomguard-kiosk-";

    /// <summary>
    /// The newest appliance image (<c>classroomguard-VERSION.qcow2</c> with its <c>.raw</c> and <c>-upgrade.tar</c>) or
    /// kiosk image (<c>classroomguard-kiosk-VERSION.qcow2</c> with its <c>.raw</c>) in <paramref name="folder"/>, or null.
    /// </summary>
    public static BuiltImage? Find(string folder, bool kiosk)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var qcow2 = new DirectoryInfo(folder).GetFiles("classroomguard-*.qcow2")
            .Where(f => f.Name.StartsWith(KioskPrefix, StringComparison.Ordinal) == kiosk)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .FirstOrDefault();
        if (qcow2 is null)
        {
            return null;
        }

        var stem = Path.GetFileNameWithoutExtension(qcow2.Name);
        var version = stem[(kiosk ? KioskPrefix : "classroomguard-").Length..];
        var raw = Path.Combine(folder, stem + ".raw");
        var bundle = kiosk ? null : Path.Combine(folder, stem + "-upgrade.tar");
        return File.Exists(raw) && (bundle is null || File.Exists(bundle)) ? new BuiltImage(qcow2.FullName, raw, version, bundle) : null;
    }

    /// <summary>What a technician reading a failure needs: the files a folder must hold.</summary>
    public static string Expected(bool kiosk) => kiosk
        ? "classroomguard-kiosk-<version>.qcow2 and .raw (image/build.sh --kiosk --out DIR)"
        : "classroomguard-<version>.qcow2, .raw and -upgrade.tar (image/build.sh --out DIR)";
}
