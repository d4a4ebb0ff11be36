namespace ClassroomGuard.TestSupport;

/// <summary>The repository the tests run from: the first folder above the test assembly holding ClassroomGuard.sln.</summary>
public static class RepositoryRoot
{
    /// <summary>The repository root, or null when the tests run outside a checkout.</summary>
    public static string? TryFind()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassroomGuard.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>The repository root.</summary>
    /// <exception cref="InvalidOperationException">The tests do not run inside a checkout.</exception>
    public static string Find() => TryFind() ?? throw new InvalidOperationException("ClassroomGuard.sln not found above " + AppContext.BaseDirectory);
}
