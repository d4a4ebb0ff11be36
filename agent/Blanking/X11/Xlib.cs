using System.Runtime.InteropServices;

namespace ClassroomGuard.Agent.Blanking.X11;

/// <summary>The few libX11 calls the blanker needs. Xlib is not thread-safe: all calls happen on the blanker's own thread.</summary>
internal static unsafe partial class Xlib
{
    private const string Library = "libX11.so.6";

    public const int InputOutput = 1;
    public const int GrabModeAsync = 1;
    public const int GrabSuccess = 0;
    public const nuint CWBackPixel = 1 << 1;
    public const nuint CWOverrideRedirect = 1 << 9;
    public const nuint CWEventMask = 1 << 11;
    public const nint ExposureMask = 1 << 15;
    public const nint VisibilityChangeMask = 1 << 16;
    public const int Expose = 12;
    public const int VisibilityNotify = 15;
    public const int VisibilityUnobscured = 0;

    /// <summary>XSetWindowAttributes, LP64 layout (unsigned long / long are 8 bytes, int and Bool 4).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XSetWindowAttributes
    {
        public nuint BackgroundPixmap;
        public nuint BackgroundPixel;
        public nuint BorderPixmap;
        public nuint BorderPixel;
        public int BitGravity;
        public int WinGravity;
        public int BackingStore;
        public nuint BackingPlanes;
        public nuint BackingPixel;
        public int SaveUnder;
        public nint EventMask;
        public nint DoNotPropagateMask;
        public int OverrideRedirect;
        public nuint Colormap;
        public nuint Cursor;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XOpenDisplay(string? name);

    [LibraryImport(Library)]
    public static partial int XCloseDisplay(nint display);

    [LibraryImport(Library)]
    public static partial int XScreenCount(nint display);

    [LibraryImport(Library)]
    public static partial nuint XRootWindow(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XDisplayWidth(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XDisplayHeight(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XDefaultDepth(nint display, int screen);

    [LibraryImport(Library)]
    public static partial nuint XBlackPixel(nint display, int screen);

    [LibraryImport(Library)]
    public static partial nuint XWhitePixel(nint display, int screen);

    [LibraryImport(Library)]
    public static partial nuint XCreateWindow(
        nint display, nuint parent, int x, int y, uint width, uint height, uint borderWidth, int depth, uint windowClass, nint visual, nuint valueMask, ref XSetWindowAttributes attributes);

    [LibraryImport(Library)]
    public static partial int XStoreName(nint display, nuint window, byte* name);

    [LibraryImport(Library)]
    public static partial int XMapRaised(nint display, nuint window);

    [LibraryImport(Library)]
    public static partial int XRaiseWindow(nint display, nuint window);

    [LibraryImport(Library)]
    public static partial int XDestroyWindow(nint display, nuint window);

    [LibraryImport(Library)]
    public static partial int XFlush(nint display);

    [LibraryImport(Library)]
    public static partial int XSync(nint display, int discard);

    [LibraryImport(Library)]
    public static partial int XPending(nint display);

    [LibraryImport(Library)]
    public static partial int XNextEvent(nint display, byte* eventReturn);

    [LibraryImport(Library)]
    public static partial nint XCreateGC(nint display, nuint drawable, nuint valueMask, nint values);

    [LibraryImport(Library)]
    public static partial int XFreeGC(nint display, nint gc);

    [LibraryImport(Library)]
    public static partial int XSetForeground(nint display, nint gc, nuint pixel);

    [LibraryImport(Library)]
    public static partial int XSetFont(nint display, nint gc, nuint font);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XLoadQueryFont(nint display, string name);

    [LibraryImport(Library)]
    public static partial int XFreeFont(nint display, nint fontStruct);

    [LibraryImport(Library)]
    public static partial int XTextWidth(nint fontStruct, byte* text, int count);

    [LibraryImport(Library)]
    public static partial int XDrawString(nint display, nuint drawable, nint gc, int x, int y, byte* text, int length);

    [LibraryImport(Library)]
    public static partial int XFillRectangle(nint display, nuint drawable, nint gc, int x, int y, uint width, uint height);

    [LibraryImport(Library)]
    public static partial int XGrabKeyboard(nint display, nuint window, int ownerEvents, int pointerMode, int keyboardMode, nuint time);

    [LibraryImport(Library)]
    public static partial int XGrabPointer(nint display, nuint window, int ownerEvents, uint eventMask, int pointerMode, int keyboardMode, nuint confineTo, nuint cursor, nuint time);

    [LibraryImport(Library)]
    public static partial int XUngrabKeyboard(nint display, nuint time);

    [LibraryImport(Library)]
    public static partial int XUngrabPointer(nint display, nuint time);

    /// <summary>XFontStruct.fid (after the ext_data pointer).</summary>
    public static nuint FontId(nint fontStruct) => *(nuint*)(fontStruct + 8);

    /// <summary>XFontStruct.ascent and descent (LP64 offsets 88 and 92).</summary>
    public static (int Ascent, int Descent) FontExtent(nint fontStruct) => (*(int*)(fontStruct + 88), *(int*)(fontStruct + 92));
}
