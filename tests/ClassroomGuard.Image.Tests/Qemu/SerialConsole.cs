using System.Text;
using System.Text.RegularExpressions;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// The guest's first serial port as qemu writes it to a file (<c>-serial file:PATH</c>; the images' kernel command line
/// has <c>console=ttyS0,115200</c>, and a getty runs there): what a technician with a serial cable would read.
/// </summary>
internal sealed partial class SerialConsole(string path)
{
    public string Path { get; } = path;

    /// <summary>Characters written so far (after cleaning): a mark to search from, e.g. before a reboot.</summary>
    public int Mark() => Text().Length;

    /// <summary>All the text so far, without terminal escape sequences and carriage returns.</summary>
    public string Text()
    {
        if (!File.Exists(Path))
        {
            return string.Empty;
        }

        // qemu keeps the file open for writing: share it.
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return TerminalEscape().Replace(reader.ReadToEnd(), string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>The last <paramref name="count"/> lines, for a failure's message.</summary>
    public string Tail(int count = 60)
    {
        var lines = Text().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - count)));
    }

    /// <summary>
    /// Waits for <paramref name="pattern"/> in what was written after <paramref name="from"/>; throws with the console's
    /// last lines when it does not appear in time or when <paramref name="stillRunning"/> says qemu has gone.
    /// </summary>
    public async Task<Match> WaitForAsync(Regex pattern, TimeSpan timeout, int from = 0, Func<bool>? stillRunning = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = Text();
            var match = pattern.Match(text, Math.Min(from, text.Length));
            if (match.Success)
            {
                return match;
            }

            if (stillRunning is not null && !stillRunning())
            {
                throw new InvalidOperationException($"qemu exited before the serial console showed /{pattern}/; its last lines:\n{Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the serial console did not show /{pattern}/ within {timeout.TotalSeconds:0} s; its last lines:\n{Tail()}");
            }

            await Task.Delay(500);
        }
    }

    // CSI sequences (colours, cursor moves: systemd's status and agetty's clear screen), OSC, charset switches and the
    // one-character ones (ESC M, systemd's spinner going back a line; ESC c, a reset).
    [GeneratedRegex(@"\x1B(\[[0-9;?=]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[@-Z\\^_=>c78])")]
    private static partial Regex TerminalEscape();
}
