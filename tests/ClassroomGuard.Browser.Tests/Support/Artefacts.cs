namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// Where screenshots are kept for people to look at: <c>TestResults/screenshots/</c> in this test project's folder (the
/// folder <c>dotnet test</c> puts its results in; ignored by git), or <c>$CG_SCREENSHOTS</c> when set.
/// </summary>
public static class Artefacts
{
    public static string ScreenshotFolder { get; } = Find();

    public static string Screenshot(string name) => Path.Combine(ScreenshotFolder, name);

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
