using System.Globalization;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// A real X server (Xvfb, 1920×1080×24, black root, no TCP) standing in for a pupil's screen, on a free display number,
/// with a screenshot of the whole screen (ImageMagick's <c>import -window root</c>) for pixel checks.
/// </summary>
public sealed class XDisplay : IAsyncDisposable
{
    public const int Width = 1920;
    public const int Height = 1080;
    private readonly ServiceProcess process;

    private XDisplay(ServiceProcess process, string name)
    {
        this.process = process;
        Name = name;
    }

    /// <summary>e.g. ":93".</summary>
    public string Name { get; }

    public static async Task<XDisplay> StartAsync()
    {
        for (var n = 400 + Random.Shared.Next(200); n < 700; n++)
        {
            if (File.Exists($"/tmp/.X{n}-lock") || File.Exists($"/tmp/.X11-unix/X{n}"))
            {
                continue;
            }

            var name = ":" + n.ToString(CultureInfo.InvariantCulture);
            var process = ServiceProcess.Start("Xvfb", "Xvfb", [name, "-screen", "0", $"{Width}x{Height}x24", "-nolisten", "tcp", "-br"]);
            try
            {
                await process.WaitUntilAsync(async () => (await ServiceProcess.RunAsync("xwininfo", ["-root", "-display", name])).ExitCode == 0, "up", TimeSpan.FromSeconds(10));
                return new XDisplay(process, name);
            }
            catch (InvalidOperationException)
            {
                await process.DisposeAsync(); // lost a race for this display number: try the next
            }
        }

        throw new InvalidOperationException("Xvfb could not be started on any display number (is the Debian package xvfb installed?)");
    }

    /// <summary>Saves the screen as PNG in <paramref name="pngPath"/> and returns it as 8-bit RGB pixels, row by row.</summary>
    public async Task<byte[]> ScreenshotAsync(string pngPath)
    {
        var shot = await ServiceProcess.RunAsync("import", ["-display", Name, "-window", "root", "-silent", pngPath]);
        if (shot.ExitCode != 0)
        {
            throw new InvalidOperationException("import failed: " + shot.Output);
        }

        var raw = Path.ChangeExtension(pngPath, ".rgb");
        var rgb = await ServiceProcess.RunAsync("convert", [pngPath, "-depth", "8", "rgb:" + raw]);
        if (rgb.ExitCode != 0)
        {
            throw new InvalidOperationException("convert failed: " + rgb.Output);
        }

        var bytes = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        return bytes;
    }

    /// <summary>The share of pixels exactly <paramref name="rgb"/> (0xRRGGBB) in an RGB screenshot.</summary>
    public static double ShareOf(byte[] pixels, uint rgb)
    {
        byte r = (byte)(rgb >> 16), g = (byte)(rgb >> 8), b = (byte)rgb;
        long matching = 0;
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            if (pixels[i] == r && pixels[i + 1] == g && pixels[i + 2] == b)
            {
                matching++;
            }
        }

        return matching / (pixels.Length / 3.0);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
