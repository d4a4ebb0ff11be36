namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>What a test machine is made of.</summary>
/// <param name="BaseImage">The built disk image; the machine writes only to an overlay on it, so it stays pristine.</param>
internal sealed record QemuMachineOptions(string BaseImage)
{
    /// <summary><c>qcow2</c> (the built images) or <c>raw</c>.</summary>
    public string BaseFormat { get; init; } = "qcow2";

    /// <summary>
    /// qemu <c>guestfwd</c> rules (<c>tcp:10.0.2.100:8443-tcp:127.0.0.1:PORT</c>): the only places the guest reaches,
    /// all on this machine's loopback.
    /// </summary>
    public IReadOnlyList<string> GuestForwards { get; init; } = [];

    /// <summary>A virtio graphics card (the kiosk's screen, captured by QMP <c>screendump</c>); none by default.</summary>
    public bool Display { get; init; }

    public int MemoryMiB { get; init; } = 2048;

    /// <summary>
    /// Files put on the EFI system partition before the first boot (name → text), as a technician copies them onto
    /// the CGBOOT drive: the appliance's <c>classroomguard-appliance.conf</c>, the kiosk's <c>classroomguard-kiosk.conf</c>.
    /// The machine then boots a copy of <see cref="RawImage"/> (mtools writes into a raw disk only).
    /// </summary>
    public IReadOnlyDictionary<string, string> EspFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>The built image's <c>.raw</c>, needed for <see cref="EspFiles"/>.</summary>
    public string? RawImage { get; init; }
}
