using System.Diagnostics;

namespace ClassroomGuard.Agent.Tests.Support;

/// <summary>A real Xvfb on a free display number (1280×720×24, black root, no TCP), and the X tools the tests use on it.</summary>
internal sealed class XvfbServer : IDisposable
{
    public const int Width = 1280;
    public const int Height = 720;
    private readonly Process process;

    private XvfbServer(Process process, string display)
    {
        this.process = process;
        Display = display;
    }

    /// <summary>e.g. ":93".</summary>
    public string Display { get; }

    public static async Task<XvfbServer> StartAsync()
    {
        for (var n = 90 + Random.Shared.Next(100); n < 400; n++)
        {
            if (File.Exists($"/tmp/.X{n}-lock") || File.Exists($"/tmp/.X11-unix/X{n}"))
            {
                continue;
            }

            var process = Process.Start(new ProcessStartInfo("Xvfb", $":{n} -screen 0 {Width}x{Height}x24 -nolisten tcp -br")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            for (var i = 0; i < 100 && !process.HasExited; i++)
            {
                if (File.Exists($"/tmp/.X11-unix/X{n}") && (await RunAsync("xwininfo", $"-root -display :{n}")).ExitCode == 0)
                {
                    return new XvfbServer(process, ":" + n);
                }

                await Task.Delay(50);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        throw new InvalidOperationException("Xvfb could not be started on any display number.");
    }

    /// <summary>xwininfo -root -tree.</summary>
    public async Task<string> TreeAsync() => (await RunAsync("xwininfo", $"-root -tree -display {Display}")).Output;

    /// <summary>xwininfo of the window named <paramref name="name"/>.</summary>
    public async Task<string> WindowInfoAsync(string name) => (await RunAsync("xwininfo", $"-name \"{name}\" -display {Display}")).Output;

    /// <summary>A screenshot of the root window (xwd | convert to PNG in <paramref name="pngPath"/>), returned as RGB pixels.</summary>
    public async Task<byte[]> ScreenshotAsync(string pngPath)
    {
        var shot = await RunAsync("sh", $"-c \"xwd -root -silent -display {Display} | convert xwd:- png:{pngPath}\"");
        Assert.True(shot.ExitCode == 0, shot.Output);
        var raw = Path.ChangeExtension(pngPath, ".rgb");
        var rgb = await RunAsync("convert", $"{pngPath} -depth 8 rgb:{raw}");
        Assert.True(rgb.ExitCode == 0, rgb.Output);
        var bytes = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        return bytes;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }

        process.Dispose();
    }
}
