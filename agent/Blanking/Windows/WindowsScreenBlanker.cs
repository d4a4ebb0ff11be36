using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClassroomGuard.Agent.Blanking.Windows;

/// <summary>
/// Blanks a Windows desktop: one borderless popup window per monitor (EnumDisplayMonitors), WS_EX_TOPMOST so it stays
/// above normal windows and WS_EX_TOOLWINDOW so it has no taskbar button or Alt+Tab entry; WM_CLOSE and system
/// commands (Alt+F4, move) are swallowed, and the windows are put back on top every 500 ms. The windows live on a
/// dedicated thread with its own message loop.
/// Limits (honest): compiled and reviewed but NOT tested here (no Windows in CI). A user-mode window cannot cover the
/// secure desktop (Ctrl+Alt+Del, UAC prompts), cannot stop Task Manager from killing the agent, and other TOPMOST
/// windows may briefly appear above it; the agent must run in the pupil's interactive session (not as a service in
/// session 0) to be seen at all. No keyboard hook is installed.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed unsafe class WindowsScreenBlanker() : DedicatedThreadScreenBlanker("Windows blank")
{
    private const string ClassName = "ClassroomGuardBlank";
    private static readonly List<User32.Rect> Monitors = [];
    private static volatile string text = string.Empty;
    private static nint brush;
    private static nint font;

    /// <inheritdoc/>
    protected override void Run(ManualResetEventSlim ready)
    {
        var windows = new List<nint>();
        try
        {
            var instance = User32.GetModuleHandleW(null);
            brush = User32.CreateSolidBrush(0x00492A1B); // COLORREF is 0x00BBGGRR: the same navy as on X11
            font = User32.CreateFontW(-72, 0, 0, 0, 700, 0, 0, 0, 1, 0, 0, 5, 0, "Segoe UI");
            fixed (char* name = ClassName)
            {
                var windowClass = new User32.WndClassEx
                {
                    Size = (uint)sizeof(User32.WndClassEx),
                    WndProc = &WindowProc,
                    Instance = instance,
                    Background = brush,
                    ClassName = name,
                };
                User32.RegisterClassExW(ref windowClass); // fails harmlessly when already registered
            }

            Monitors.Clear();
            User32.EnumDisplayMonitors(0, 0, &MonitorProc, 0);
            foreach (var m in Monitors)
            {
                var hwnd = User32.CreateWindowExW(
                    User32.WS_EX_TOPMOST | User32.WS_EX_TOOLWINDOW, ClassName, "ClassroomGuard", User32.WS_POPUP | User32.WS_VISIBLE,
                    m.Left, m.Top, m.Right - m.Left, m.Bottom - m.Top, 0, 0, instance, 0);
                if (hwnd != 0)
                {
                    windows.Add(hwnd);
                }
            }

            text = Message; // the window procedure is static (an unmanaged callback): it paints from here
            SetShown(windows.Count > 0);
            ready.Set();
            var lastRaise = Environment.TickCount64;
            var drawn = text;
            while (!Stopping)
            {
                while (User32.PeekMessageW(out var msg, 0, 0, 0, User32.PM_REMOVE))
                {
                    User32.TranslateMessage(msg);
                    User32.DispatchMessageW(msg);
                }

                if (Environment.TickCount64 - lastRaise >= 500 || !ReferenceEquals(drawn, Message))
                {
                    text = Message;
                    foreach (var hwnd in windows)
                    {
                        User32.SetWindowPos(hwnd, User32.HWND_TOPMOST, 0, 0, 0, 0, User32.SWP_NOMOVE | User32.SWP_NOSIZE | User32.SWP_SHOWWINDOW);
                        User32.InvalidateRect(hwnd, 0, true);
                    }

                    drawn = text;
                    lastRaise = Environment.TickCount64;
                }

                Thread.Sleep(50);
            }
        }
        finally
        {
            foreach (var hwnd in windows)
            {
                User32.DestroyWindow(hwnd);
            }

            SetShown(false);
            ready.Set();
        }
    }

    [UnmanagedCallersOnly]
    private static int MonitorProc(nint monitor, nint hdc, User32.Rect* rect, nint data)
    {
        Monitors.Add(*rect);
        return 1;
    }

    [UnmanagedCallersOnly]
    private static nint WindowProc(nint hwnd, uint message, nint wParam, nint lParam)
    {
        switch (message)
        {
            case User32.WM_CLOSE:
            case User32.WM_SYSCOMMAND:
                return 0; // Alt+F4, the system menu, move and size: ignored
            case User32.WM_PAINT:
                var hdc = User32.BeginPaint(hwnd, out var paint);
                User32.GetClientRect(hwnd, out var client);
                User32.FillRect(hdc, client, brush);
                User32.SelectObject(hdc, font);
                User32.SetTextColor(hdc, 0x00FFFFFF);
                User32.SetBkMode(hdc, User32.TRANSPARENT);
                User32.DrawTextW(hdc, text, -1, ref client, User32.DT_CENTER | User32.DT_VCENTER | User32.DT_SINGLELINE);
                User32.EndPaint(hwnd, paint);
                return 0;
            default:
                return User32.DefWindowProcW(hwnd, message, wParam, lParam);
        }
    }
}
