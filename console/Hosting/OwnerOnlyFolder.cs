using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Hosting;

/// <summary>
/// A folder only the service user may enter (0700), created at start if missing and proved writable then, so a folder
/// that cannot be used stops the service with a message naming its setting (exit 78) instead of failing every request
/// that needs it later. Used by the data-protection keys and the kept reports.
/// </summary>
internal static class OwnerOnlyFolder
{
    /// <summary>Owner read, write and enter.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> (owner-only) and writes a probe file in it. <paramref name="refuse"/> may give a
    /// reason the path is unusable before anything is created. Failures throw an <see cref="OptionsValidationException"/>
    /// naming <paramref name="setting"/>, followed by <paramref name="advice"/>.
    /// </summary>
    public static void Ensure(string path, string section, Type optionsType, string setting, Func<string, string?> refuse, string advice = "")
    {
        try
        {
            if (refuse(path) is { } reason)
            {
                throw new IOException(reason);
            }

            var folder = OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, Mode);
            var probe = Path.Combine(folder.FullName, ".write-test");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException(section, optionsType,
                [$"{setting} '{path}' cannot be created or written by the service user ({ex.Message}).{(advice.Length > 0 ? " " + advice : string.Empty)}"]);
        }
    }
}
