namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// Every test that starts qemu: one collection, so only one virtual machine runs at a time on the suite's 2 cores, and
/// the images are found or built once per run (<see cref="BuiltImages"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BootedImagesCollection : ICollectionFixture<BuiltImages>
{
    public const string Name = "Booted images";
}
