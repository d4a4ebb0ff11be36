using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>A window of interest was mapped (shown) or unmapped (hidden or destroyed) on the X display.</summary>
/// <param name="Mapped">True for MapNotify, false for UnmapNotify.</param>
/// <param name="Window">The X window id.</param>
/// <param name="Timestamp">Stopwatch timestamp taken as soon as the event was read from the X connection.</param>
public readonly record struct XMapEvent(bool Mapped, nuint Window, long Timestamp);

/// <summary>
/// Watches the root window of an X display for MapNotify/UnmapNotify of top-level windows whose name starts with a
/// prefix (the agent's "ClassroomGuard blank"), through its own libX11 connection with SubstructureNotify selected on
/// the root — the same events <c>xev -root -event substructure</c> prints. A dedicated thread sleeps in poll(2) on the
/// X connection's socket and stamps each event with <see cref="Stopwatch.GetTimestamp"/> the moment it is read, so
/// the resolution is the kernel's wake-up latency (well under a millisecond), not a polling interval.
/// </summary>
public sealed partial class XMapWatcher : IDisposable
{
    private const long SubstructureNotifyMask = 1L << 19;
    private const int UnmapNotify = 18;
    private const int MapNotify = 19;
    private const short PollIn = 0x001;

    private readonly nint display;
    private readonly string prefix;
    private readonly Thread thread;
    private readonly Channel<XMapEvent> events = Channel.CreateUnbounded<XMapEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly HashSet<nuint> watched = [];
    private volatile bool stopping;

    private XMapWatcher(nint display, string prefix)
    {
        this.display = display;
        this.prefix = prefix;
        thread = new Thread(Run) { IsBackground = true, Name = "x-map-watcher" };
    }

    /// <summary>Connects to <paramref name="displayName"/> and starts watching; events before this returns are not seen.</summary>
    public static unsafe XMapWatcher Start(string displayName, string windowNamePrefix)
    {
        XSetErrorHandler(&IgnoreError); // a window can be destroyed between its event and our name query
        var display = XOpenDisplay(displayName);
        if (display == 0)
        {
            throw new InvalidOperationException("cannot open X display " + displayName);
        }

        XSelectInput(display, XDefaultRootWindow(display), SubstructureNotifyMask);
        XSync(display, 0); // the selection is in force before anyone acts
        var watcher = new XMapWatcher(display, windowNamePrefix);
        watcher.thread.Start();
        return watcher;
    }

    /// <summary>Waits for the next event of the kind asked for (earlier events of the other kind are skipped).</summary>
    public async Task<XMapEvent> NextAsync(bool mapped, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var next = await events.Reader.ReadAsync(cts.Token);
                if (next.Mapped == mapped)
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {(mapped ? "MapNotify" : "UnmapNotify")} of a '{prefix}' window within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Forgets events already read (between measurements).</summary>
    public void Drain()
    {
        while (events.Reader.TryRead(out _))
        {
        }
    }

    private unsafe void Run()
    {
        var fd = XConnectionNumber(display);
        var xevent = stackalloc byte[192]; // sizeof(XEvent) on LP64: 24 longs
        var pollfd = stackalloc PollFd[1];
        while (!stopping)
        {
            while (XPending(display) > 0)
            {
                XNextEvent(display, xevent);
                var now = Stopwatch.GetTimestamp();
                var type = *(int*)xevent;
                if (type is not (MapNotify or UnmapNotify))
                {
                    continue;
                }

                var window = *(nuint*)(xevent + 40); // XMapEvent/XUnmapEvent: type, serial, send_event, display, event, window
                if (type == MapNotify && NameOf(window).StartsWith(prefix, StringComparison.Ordinal))
                {
                    watched.Add(window);
                    events.Writer.TryWrite(new XMapEvent(true, window, now));
                }
                else if (type == UnmapNotify && watched.Remove(window))
                {
                    events.Writer.TryWrite(new XMapEvent(false, window, now));
                }
            }

            pollfd[0] = new PollFd { Fd = fd, Events = PollIn };
            poll(pollfd, 1, 100); // wakes as soon as the server writes; the timeout only lets Dispose stop the thread
        }
    }

    private string NameOf(nuint window)
    {
        if (XFetchName(display, window, out var name) == 0 || name == 0)
        {
            return "";
        }

        var text = Marshal.PtrToStringUTF8(name) ?? "";
        XFree(name);
        return text;
    }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
        XCloseDisplay(display);
        events.Writer.TryComplete();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int IgnoreError(nint display, nint errorEvent) => 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libX11.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint XOpenDisplay(string name);

    [LibraryImport("libX11.so.6")]
    private static partial int XCloseDisplay(nint display);

    [LibraryImport("libX11.so.6")]
    private static partial nuint XDefaultRootWindow(nint display);

    [LibraryImport("libX11.so.6")]
    private static partial int XSelectInput(nint display, nuint window, long mask);

    [LibraryImport("libX11.so.6")]
    private static partial int XSync(nint display, int discard);

    [LibraryImport("libX11.so.6")]
    private static partial int XConnectionNumber(nint display);

    [LibraryImport("libX11.so.6")]
    private static partial int XPending(nint display);

    [LibraryImport("libX11.so.6")]
    private static unsafe partial int XNextEvent(nint display, byte* eventReturn);

    [LibraryImport("libX11.so.6")]
    private static partial int XFetchName(nint display, nuint window, out nint name);

    [LibraryImport("libX11.so.6")]
    private static partial int XFree(nint data);

    [LibraryImport("libX11.so.6")]
    private static unsafe partial nint XSetErrorHandler(delegate* unmanaged[Cdecl]<nint, nint, int> handler);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);
}
