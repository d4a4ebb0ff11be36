using ClassroomGuard.Agent.Blanking.X11;
using ClassroomGuard.Agent.Hosting;
using ClassroomGuard.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Agent.Tests.Blanking.X11;

/// <summary>The X11 blanker on a real Xvfb, checked with xwininfo and an xwd screenshot.</summary>
public sealed class X11ScreenBlankerTests
{
    private const string WindowName = "ClassroomGuard blank";

    [Fact]
    public async Task Blank_UnderXvfb_CoversTheScreenAndUnblankRemovesIt()
    {
        using var x = await XvfbServer.StartAsync();
        using var blanker = new X11ScreenBlanker(Options.Create(new AgentOptions { Display = x.Display }), NullLogger<X11ScreenBlanker>.Instance);
        var png = Path.Combine(Path.GetTempPath(), "cg-agent-blank.png"); // kept as a test artefact (the blanked screen)
        var after = Path.Combine(Path.GetTempPath(), "cg-agent-unblanked.png");

        blanker.Blank("Eyes on your teacher");
        await Task.Delay(200); // the first draw follows the map

        Assert.True(blanker.IsBlanked);
        Assert.Contains($"\"{WindowName}\": ()  {XvfbServer.Width}x{XvfbServer.Height}+0+0", await x.TreeAsync(), StringComparison.Ordinal);
        var info = await x.WindowInfoAsync(WindowName);
        Assert.Contains("Map State: IsViewable", info, StringComparison.Ordinal);
        Assert.Contains("Override Redirect State: yes", info, StringComparison.Ordinal);
        var (blank, white) = Count(await x.ScreenshotAsync(png));
        Assert.True(blank > 0.95, $"{blank:P1} of the screen is the blank colour");
        Assert.True(white > 0.0005, $"{white:P3} of the screen is the message's white"); // the text is drawn

        blanker.Unblank();

        Assert.False(blanker.IsBlanked);
        Assert.DoesNotContain(WindowName, await x.TreeAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Count(await x.ScreenshotAsync(after)).Blank);
    }

    [Fact]
    public async Task Blank_AnotherWindowRaisedAbove_IsRaisedAgain()
    {
        using var x = await XvfbServer.StartAsync();
        using var blanker = new X11ScreenBlanker(Options.Create(new AgentOptions { Display = x.Display }), NullLogger<X11ScreenBlanker>.Instance);
        blanker.Blank("Eyes on your teacher");

        // xwd-style intruder: a plain client maps a window on top (xmessage would need a toolkit; xeyes is in x11-apps).
        using var intruder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("xeyes", $"-display {x.Display} -geometry 400x300+10+10"))!;
        await Task.Delay(1500); // longer than the 500 ms periodic raise
        var tree = await x.TreeAsync();
        intruder.Kill();
        await intruder.WaitForExitAsync();

        // xwininfo -tree lists the root's children top-most first: ours must come before xeyes.
        var ours = tree.IndexOf(WindowName, StringComparison.Ordinal);
        var theirs = tree.IndexOf("xeyes", StringComparison.OrdinalIgnoreCase);
        Assert.True(ours >= 0 && theirs >= 0, tree);
        Assert.True(ours < theirs, tree);
    }

    [Fact]
    public void Blank_NoDisplay_DoesNotThrowAndStaysUnblanked()
    {
        using var blanker = new X11ScreenBlanker(Options.Create(new AgentOptions { Display = ":4999" }), NullLogger<X11ScreenBlanker>.Instance);

        blanker.Blank("x");

        Assert.False(blanker.IsBlanked);
    }

    private static (double Blank, double White) Count(byte[] rgb)
    {
        var r = (byte)(X11ScreenBlanker.BackgroundRgb >> 16);
        var g = (byte)((X11ScreenBlanker.BackgroundRgb >> 8) & 0xFF);
        var b = (byte)(X11ScreenBlanker.BackgroundRgb & 0xFF);
        int blank = 0, white = 0, pixels = rgb.Length / 3;
        for (var i = 0; i + 2 < rgb.Length; i += 3)
        {
            if (rgb[i] == r && rgb[i + 1] == g && rgb[i + 2] == b)
            {
                blank++;
            }
            else if (rgb[i] == 255 && rgb[i + 1] == 255 && rgb[i + 2] == 255)
            {
                white++;
            }
        }

        return ((double)blank / pixels, (double)white / pixels);
    }
}
