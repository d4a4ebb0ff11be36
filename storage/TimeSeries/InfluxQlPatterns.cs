using System.Globalization;
using System.Text;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// Regular-expression literals for InfluxQL (<c>=~ /…/</c>) built from untrusted text. Every character but an ASCII
/// letter or digit is written as <c>\x{HEX}</c>, so no input can end the literal (<c>/</c>), break the statement
/// (newline), add an escape (<c>\</c>) or act as a regex operator (<c>. * ( |</c> …): the pattern matches the text
/// literally, whatever it is.
/// </summary>
public static class InfluxQlPatterns
{
    /// <summary>A regex literal matching <paramref name="suffix"/> itself or any name ending in "." + it:
    /// <c>youtube.com</c> matches <c>youtube.com</c> and <c>m.youtube.com</c>, not <c>notyoutube.com</c>.</summary>
    public static string DomainSuffix(string suffix) => "/(^|\\x{2e})" + Escape(suffix) + "$/";

    /// <summary>A regex literal matching exactly <paramref name="text"/> (anchored at both ends).</summary>
    public static string Exactly(string text) => "/^" + Escape(text) + "$/";

    /// <summary><paramref name="text"/> as regex source that matches it literally (see the class remarks).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length * 2);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && char.IsAsciiLetterOrDigit((char)rune.Value))
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append("\\x{").Append(rune.Value.ToString("x", CultureInfo.InvariantCulture)).Append('}');
            }
        }

        return builder.ToString();
    }
}
