using System.Text;
using ClassroomGuard.Agent.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Agent.Blanking.X11;

/// <summary>
/// Blanks an X11 desktop ($DISPLAY): on every screen one override-redirect window as large as the screen, so the
/// window manager cannot move, resize, minimise or close it (it never manages it at all), raised above everything and
/// raised again whenever something else covers part of it and every <see cref="RaiseInterval"/> anyway. The keyboard
/// and pointer are grabbed when possible, so keystrokes and clicks do not reach the windows beneath (a grab can fail
/// when another client holds one; the covering window stays either way). The message is drawn centred in the largest
/// core X font available. The windows live on a dedicated thread with its own display connection (Xlib is not
/// thread-safe); closing that connection on unblank destroys them even if a step failed.
/// Limits: a pupil who can switch to a text console (Ctrl+Alt+F2) or kill the agent is not stopped by a window; a
/// compositor or screen locker with its own override-redirect windows may stack above until the next raise.
/// </summary>
public sealed class X11ScreenBlanker(IOptions<AgentOptions> options, ILogger<X11ScreenBlanker> logger) : DedicatedThreadScreenBlanker("X11 blank")
{
    /// <summary>Background of the blank windows (24-bit TrueColor): a dark navy.</summary>
    public const uint BackgroundRgb = 0x1B2A49;

    /// <summary>How often the windows are raised and redrawn regardless of events.</summary>
    public static readonly TimeSpan RaiseInterval = TimeSpan.FromMilliseconds(500);

    private static readonly string[] Fonts =
    [
        "-*-helvetica-bold-r-normal--*-240-100-100-*-*-iso8859-1",
        "-*-helvetica-bold-r-normal--*-240-75-75-*-*-iso8859-1",
        "-*-*-bold-r-*-*-*-240-*-*-*-*-iso8859-1",
        "12x24",
        "10x20",
        "fixed",
    ];

    /// <inheritdoc/>
    protected override unsafe void Run(ManualResetEventSlim ready)
    {
        var display = Xlib.XOpenDisplay(options.Value.Display);
        if (display == 0)
        {
            Log.NoDisplay(logger, options.Value.Display ?? Environment.GetEnvironmentVariable("DISPLAY") ?? "(DISPLAY not set)");
            ready.Set();
            return;
        }

        var screens = new Screen[Xlib.XScreenCount(display)];
        try
        {
            for (var i = 0; i < screens.Length; i++)
            {
                screens[i] = Create(display, i);
            }

            Xlib.XSync(display, 0);
            Grab(display, screens[0].Window);
            SetShown(true);
            ready.Set();

            var eventBuffer = stackalloc byte[192]; // sizeof(XEvent) on LP64
            var lastRaise = Environment.TickCount64;
            var drawn = string.Empty;
            while (!Stopping)
            {
                var raise = false;
                while (Xlib.XPending(display) > 0)
                {
                    Xlib.XNextEvent(display, eventBuffer);
                    var type = *(int*)eventBuffer;
                    raise |= type == Xlib.Expose || (type == Xlib.VisibilityNotify && *(int*)(eventBuffer + 40) != Xlib.VisibilityUnobscured);
                }

                var text = Message;
                if (raise || text != drawn || Environment.TickCount64 - lastRaise >= (long)RaiseInterval.TotalMilliseconds)
                {
                    foreach (var screen in screens)
                    {
                        Xlib.XRaiseWindow(display, screen.Window);
                        Draw(display, screen, text);
                    }

                    Xlib.XFlush(display);
                    drawn = text;
                    lastRaise = Environment.TickCount64;
                }

                Thread.Sleep(50);
            }
        }
        finally
        {
            Xlib.XUngrabKeyboard(display, 0);
            Xlib.XUngrabPointer(display, 0);
            foreach (var screen in screens)
            {
                if (screen.Font != 0)
                {
                    Xlib.XFreeFont(display, screen.Font);
                }

                if (screen.Gc != 0)
                {
                    Xlib.XFreeGC(display, screen.Gc);
                }

                if (screen.Window != 0)
                {
                    Xlib.XDestroyWindow(display, screen.Window);
                }
            }

            Xlib.XCloseDisplay(display); // also destroys anything left of ours
            SetShown(false);
            ready.Set();
        }
    }

    private static unsafe Screen Create(nint display, int index)
    {
        var width = Xlib.XDisplayWidth(display, index);
        var height = Xlib.XDisplayHeight(display, index);
        var background = Xlib.XDefaultDepth(display, index) >= 24 ? BackgroundRgb : Xlib.XBlackPixel(display, index);
        var attributes = new Xlib.XSetWindowAttributes
        {
            BackgroundPixel = background,
            OverrideRedirect = 1, // the window manager never sees it: it cannot be moved, iconified or closed
            EventMask = Xlib.ExposureMask | Xlib.VisibilityChangeMask,
        };
        var window = Xlib.XCreateWindow(
            display, Xlib.XRootWindow(display, index), 0, 0, (uint)width, (uint)height, 0, 0, Xlib.InputOutput, 0,
            Xlib.CWBackPixel | Xlib.CWOverrideRedirect | Xlib.CWEventMask, ref attributes);
        fixed (byte* name = "ClassroomGuard blank\0"u8)
        {
            Xlib.XStoreName(display, window, name);
        }

        Xlib.XMapRaised(display, window);
        var gc = Xlib.XCreateGC(display, window, 0, 0);
        nint font = 0;
        foreach (var candidate in Fonts)
        {
            font = Xlib.XLoadQueryFont(display, candidate);
            if (font != 0)
            {
                Xlib.XSetFont(display, gc, Xlib.FontId(font));
                break;
            }
        }

        return new Screen(window, gc, font, width, height, background, Xlib.XWhitePixel(display, index));
    }

    private static unsafe void Draw(nint display, Screen screen, string text)
    {
        Xlib.XSetForeground(display, screen.Gc, screen.Background);
        Xlib.XFillRectangle(display, screen.Window, screen.Gc, 0, 0, (uint)screen.Width, (uint)screen.Height);
        if (screen.Font == 0)
        {
            return;
        }

        // Core fonts are Latin-1: characters outside it are drawn as '?'.
        var bytes = Encoding.Latin1.GetBytes(text);
        fixed (byte* p = bytes)
        {
            var textWidth = Xlib.XTextWidth(screen.Font, p, bytes.Length);
            var (ascent, descent) = Xlib.FontExtent(screen.Font);
            Xlib.XSetForeground(display, screen.Gc, screen.Foreground);
            Xlib.XDrawString(display, screen.Window, screen.Gc, (screen.Width - textWidth) / 2, ((screen.Height + ascent - descent) / 2), p, bytes.Length);
        }
    }

    private void Grab(nint display, nuint window)
    {
        var keyboard = Xlib.XGrabKeyboard(display, window, 0, Xlib.GrabModeAsync, Xlib.GrabModeAsync, 0);
        if (keyboard != Xlib.GrabSuccess)
        {
            Log.GrabFailed(logger, "keyboard", keyboard);
        }

        var pointer = Xlib.XGrabPointer(display, window, 0, 0, Xlib.GrabModeAsync, Xlib.GrabModeAsync, window, 0, 0);
        if (pointer != Xlib.GrabSuccess)
        {
            Log.GrabFailed(logger, "pointer", pointer);
        }
    }

    private readonly record struct Screen(nuint Window, nint Gc, nint Font, int Width, int Height, nuint Background, nuint Foreground);
}
