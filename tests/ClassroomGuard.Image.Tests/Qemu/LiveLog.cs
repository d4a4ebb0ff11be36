using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// A test's output, also appended at once to <c>/tmp/cg-image-tests-&lt;pid&gt;.log</c>: xunit shows a test's output only
/// when it ends, and a boot under software emulation takes minutes (<c>tail -f</c> it to follow a run).
/// </summary>
public sealed class LiveLog(ITestOutputHelper inner) : ITestOutputHelper
{
    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cg-image-tests-{Environment.ProcessId}.log");

    private static readonly Lock FileLock = new();

    public void WriteLine(string message)
    {
        inner.WriteLine(message);
        lock (FileLock)
        {
            File.AppendAllText(Path, $"{DateTime.UtcNow:HH:mm:ss} {message}\n");
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
