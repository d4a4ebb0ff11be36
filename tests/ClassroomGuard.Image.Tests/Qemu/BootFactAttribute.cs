namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// A test that builds and boots an image under qemu. They run when <c>CG_IMAGE_TESTS=1</c> (README "Image tests"):
/// under software emulation (this machine's /dev/kvm cannot run UEFI firmware) a build and first boot take about
/// 20 minutes and the whole set about an hour, and they have not yet passed end to end, so the default suite skips them
/// and says so rather than let a half-finished check decide every run.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BootFactAttribute : FactAttribute
{
    public const string Switch = "CG_IMAGE_TESTS";

    public BootFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Switch) != "1")
        {
            Skip = $"boots an image under qemu: set {Switch}=1 to run (README \"Image tests\")";
        }
    }
}
