using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// Where screenshots are kept for people to look at: <c>TestResults/screenshots/</c> in this test project's folder (the
/// folder <c>dotnet test</c> puts its results in; ignored by git), or <c>$CG_SCREENSHOTS</c> when set.
/// </summary>
public static class Artefacts
{
    public static string ScreenshotFolder { get; } = Find();

    public static string Screenshot(string name) => Path.Combine(ScreenshotFolder, name);

    /// <summary>A laptop's screen, the second size every page is looked at.</summary>
    public static readonly ViewportSize Laptop = new() { Width = 1366, Height = 768 };

    /// <summary>
    /// The page at the classroom display's 1920x1080 and at a laptop's 1366x768 (<c>NAME-1920x1080.png</c>,
    /// <c>NAME-1366x768.png</c>), scrolled to <paramref name="show"/> when given, whole when <paramref name="fullPage"/>;
    /// the page is left at 1920x1080.
    /// </summary>
    public static async Task ShootBothAsync(IPage page, string name, ILocator? show = null, bool fullPage = false)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var (size, suffix) in new[] { (Chromium.ClassroomDisplay, "-1920x1080.png"), (Laptop, "-1366x768.png") })
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            if (show is not null)
            {
                await ScrollToAsync(show);
            }

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot(name + suffix), FullPage = fullPage });
        }

        await page.SetViewportSizeAsync(Chromium.ClassroomDisplay.Width, Chromium.ClassroomDisplay.Height);
    }

    /// <summary>
    /// Scrolls to the element, finding it again when the page re-rendered it meanwhile: pages that refresh themselves (the
    /// home page every 30 s, and once when the circuit replaces the prerendered markup) can detach the element between
    /// Playwright finding it and scrolling to it (CI: "Element is not attached to the DOM").
    /// </summary>
    private static async Task ScrollToAsync(ILocator show)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await show.ScrollIntoViewIfNeededAsync();
                return;
            }
            catch (PlaywrightException e) when (attempt < 5 && e.Message.Contains("not attached", StringComparison.Ordinal))
            {
                await show.WaitForAsync();
            }
        }
    }

    private static string Find()
    {
        var folder = Environment.GetEnvironmentVariable("CG_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            var project = new DirectoryInfo(AppContext.BaseDirectory);
            while (project is not null && project.GetFiles("*.csproj").Length == 0)
            {
                project = project.Parent;
            }

            folder = Path.Combine(project?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        }

        Directory.CreateDirectory(folder);
        return folder;
    }
}
