using System.Diagnostics;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// The appliance and kiosk images, found or built once per run (each only when a test first asks for it):
/// <c>CG_IMAGE_DIR</c> names a folder of built images to use as they are; otherwise <c>image/build.sh</c> builds them,
/// as root, into <c>/tmp/classroomguard-images/&lt;key of the sources&gt;/</c>, reused by later runs on the same sources
/// (<see cref="ImageSourceKey"/>). The build's output streams into the asking test's log and into <c>build-*.log</c>.
/// </summary>
public sealed class BuiltImages : IDisposable
{
    /// <summary>Built images on this machine: one folder per source key, older keys removed (an image is gigabytes).</summary>
    public const string CacheRoot = "/tmp/classroomguard-images";

    private const int KeysKept = 2;
    private readonly SemaphoreSlim oneBuildAtATime = new(1, 1);
    private BuiltImage? appliance;
    private BuiltImage? kiosk;

    public Task<BuiltImage> ApplianceAsync(ITestOutputHelper output) => GetAsync(kioskImage: false, output);

    public Task<BuiltImage> KioskAsync(ITestOutputHelper output) => GetAsync(kioskImage: true, output);

    public void Dispose() => oneBuildAtATime.Dispose();

    private async Task<BuiltImage> GetAsync(bool kioskImage, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await oneBuildAtATime.WaitAsync();
        try
        {
            if ((kioskImage ? kiosk : appliance) is { } known)
            {
                return known;
            }

            var found = await FindOrBuildAsync(kioskImage, output);
            output.WriteLine($"{(kioskImage ? "kiosk" : "appliance")} image {found.Version}: {found.Qcow2}");
            return kioskImage ? kiosk = found : appliance = found;
        }
        finally
        {
            oneBuildAtATime.Release();
        }
    }

    private static async Task<BuiltImage> FindOrBuildAsync(bool kioskImage, ITestOutputHelper output)
    {
        if (Environment.GetEnvironmentVariable("CG_IMAGE_DIR") is { Length: > 0 } given)
        {
            return BuiltImage.Find(given, kioskImage)
                ?? throw new InvalidOperationException($"CG_IMAGE_DIR={given} does not hold {BuiltImage.Expected(kioskImage)}: build them there, or unset CG_IMAGE_DIR to let the tests build them");
        }

        var repository = RepositoryRoot.Find();
        var key = await ImageSourceKey.ComputeAsync(repository);
        var folder = Path.Combine(CacheRoot, key);
        var done = Path.Combine(folder, kioskImage ? "kiosk.done" : "appliance.done");
        if (File.Exists(done) && BuiltImage.Find(folder, kioskImage) is { } cached)
        {
            output.WriteLine($"reusing the images built from these sources (key {key}) in {folder}");
            return cached;
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("building the images needs root (debootstrap, chroot): run the image tests as root, or set CG_IMAGE_DIR to a folder of built images");
        }

        await BuildAsync(repository, folder, kioskImage, output);
        await File.WriteAllTextAsync(done, DateTime.UtcNow.ToString("O"));
        RemoveOlderKeys(folder, output);
        return BuiltImage.Find(folder, kioskImage)
            ?? throw new InvalidOperationException($"image/build.sh{(kioskImage ? " --kiosk" : "")} succeeded but {folder} does not hold {BuiltImage.Expected(kioskImage)}");
    }

    private static async Task BuildAsync(string repository, string folder, bool kioskImage, ITestOutputHelper output)
    {
        Directory.CreateDirectory(folder);
        // Downloaded .debs outlive a key: build.sh keeps them in OUT/.cache, which all keys share.
        var sharedCache = Path.Combine(CacheRoot, ".cache");
        Directory.CreateDirectory(sharedCache);
        if (!Directory.Exists(Path.Combine(folder, ".cache")))
        {
            Directory.CreateSymbolicLink(Path.Combine(folder, ".cache"), sharedCache);
        }

        string[] arguments = kioskImage ? ["image/build.sh", "--kiosk", "--out", folder] : ["image/build.sh", "--out", folder];
        var log = Path.Combine(folder, kioskImage ? "build-kiosk.log" : "build-appliance.log");
        output.WriteLine($"building: bash {string.Join(' ', arguments)} (log: {log})");
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo("bash") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        await using var logFile = new StreamWriter(log) { AutoFlush = true };
        var tail = new Queue<string>();
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (tail)
            {
                var stamped = $"[{clock.Elapsed:mm\\:ss}] {line}";
                logFile.WriteLine(stamped);
                output.WriteLine(stamped);
                tail.Enqueue(line);
                if (tail.Count > 40)
                {
                    tail.Dequeue();
                }
            }
        }

        using var build = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        build.OutputDataReceived += (_, e) => Line(e.Data);
        build.ErrorDataReceived += (_, e) => Line(e.Data);
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(45));
        try
        {
            await build.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException($"image/build.sh did not finish in 45 minutes; see {log}");
        }

        build.WaitForExit(); // the last lines of output
        output.WriteLine($"image/build.sh{(kioskImage ? " --kiosk" : "")} took {clock.Elapsed.TotalSeconds:0} s (exit {build.ExitCode})");
        if (build.ExitCode != 0)
        {
            string said;
            lock (tail)
            {
                said = string.Join('\n', tail);
            }

            throw new InvalidOperationException($"image/build.sh{(kioskImage ? " --kiosk" : "")} failed (exit {build.ExitCode}); its last lines:\n{said}\n(whole log: {log})");
        }
    }

    private static void RemoveOlderKeys(string keep, ITestOutputHelper output)
    {
        var older = new DirectoryInfo(CacheRoot).GetDirectories()
            .Where(d => d.Name != ".cache" && d.FullName != keep)
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .Skip(KeysKept - 1);
        foreach (var folder in older)
        {
            output.WriteLine($"removing images built from older sources: {folder.FullName}");
            folder.Delete(recursive: true);
        }
    }
}
