using System.Text;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>The number of pages of a PDF that Chromium printed (its page objects, which Chromium never compresses).</summary>
internal static class PdfPages
{
    public static int Count(string path)
    {
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        var pages = 0;
        for (var at = text.IndexOf("/Type /Page", StringComparison.Ordinal); at >= 0; at = text.IndexOf("/Type /Page", at + 1, StringComparison.Ordinal))
        {
            var next = at + "/Type /Page".Length;
            if (next >= text.Length || text[next] != 's')
            {
                pages++;
            }
        }

        return pages;
    }
}
