using System.Globalization;

namespace ClassroomGuard.Console.Kiosk;

/// <summary>
/// The text of <c>classroomguard-kiosk.conf</c>, the file a classroom display reads (docs/image.md, "Kiosk credential"):
/// a comment naming the room, date and issuer, then <c>CONSOLE=</c>, <c>CREDENTIAL=</c> and <c>PIN=</c>.
/// </summary>
internal static class KioskFile
{
    /// <summary>The file's name on the display's boot partition (or beside the manual recipe's launcher).</summary>
    public const string FileName = "classroomguard-kiosk.conf";

    /// <summary>The file's text, ending with a newline.</summary>
    /// <param name="roomName">The room, in the comment.</param>
    /// <param name="issuedOn">The school's local date of issue.</param>
    /// <param name="issuedBy">Who issued it.</param>
    /// <param name="console">The console's base address as the display reaches it (scheme, host, port).</param>
    /// <param name="credential">The credential, shown only this once.</param>
    /// <param name="pin">The console certificate's pin; null when the certificate could not be read (the line is then empty, and the display refuses to start).</param>
    public static string Text(string roomName, DateOnly issuedOn, string issuedBy, Uri console, string credential, string? pin)
    {
        ArgumentNullException.ThrowIfNull(console);
        // The service runs globalization-invariant: the invariant culture has the English month names.
        var date = issuedOn.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        return $"""
            # ClassroomGuard classroom display — {OneLine(roomName)}, issued {date} by {OneLine(issuedBy)}
            CONSOLE={Base(console)}
            CREDENTIAL={credential}
            PIN={pin}

            """.ReplaceLineEndings("\n");
    }

    /// <summary>The console's base address without a path or trailing slash (<c>https://192.168.1.2:8443</c>).</summary>
    public static string Base(Uri console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return console.GetLeftPart(UriPartial.Authority);
    }

    // A name in the comment line must not start a new line of the file.
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
