using MudBlazor;

namespace ClassroomGuard.Console.Components.Layout;

/// <summary>
/// The console's look: large type and strong colours, readable from the back of a classroom, every text/background
/// pair at WCAG 2.1 AA contrast or better (4.5:1), in a light and a dark palette. One per circuit: the dark-mode
/// choice belongs to the browser that made it.
/// </summary>
internal sealed class ConsoleTheme
{
    /// <summary>The theme every page uses.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5cad",          // 6.4:1 on white
            Secondary = "#5b3e96",
            Success = "#0f6b3a",
            Error = "#a4161a",
            Warning = "#8a5300",          // text-strength amber (5.3:1 on white)
            Info = "#0b5cad",
            AppbarBackground = "#12263f",
            AppbarText = "#ffffff",
            Background = "#f4f6f9",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1b1f24",
            DrawerIcon = "#12263f",
            TextPrimary = "#1b1f24",
            TextSecondary = "#4a5563",    // 7.4:1 on white
            ActionDefault = "#4a5563",
            LinesDefault = "#cfd6df",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8cc4ff",
            Secondary = "#c7b3ff",
            Success = "#7fd6a4",
            Error = "#ff9a9a",
            Warning = "#ffcf70",
            Info = "#8cc4ff",
            AppbarBackground = "#0c1726",
            AppbarText = "#ffffff",
            Background = "#101722",
            Surface = "#18212f",
            DrawerBackground = "#141c28",
            DrawerText = "#e8eef7",
            DrawerIcon = "#c9d6e8",
            TextPrimary = "#e8eef7",
            TextSecondary = "#b4c0d0",
            ActionDefault = "#b4c0d0",
            LinesDefault = "#33415a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"], FontSize = "1rem" },
            Button = new ButtonTypography { TextTransform = "none", FontWeight = "600" }, // sentence case reads faster than capitals
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "260px" },
    };

    /// <summary>Whether this browser shows the dark palette.</summary>
    public bool IsDark { get; set; }
}
