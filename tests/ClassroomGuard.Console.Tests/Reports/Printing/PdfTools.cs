using System.Diagnostics;

namespace ClassroomGuard.Console.Tests.Reports.Printing;

/// <summary>poppler-utils' pdftotext and pdfinfo (image/packages.sh TEST_PACKAGES): the PDFs read as a person's viewer reads them.</summary>
internal static class PdfTools
{
    /// <summary>The PDF's text with its layout kept (<c>pdftotext -layout</c>).</summary>
    public static Task<string> TextAsync(string pdf) => RunAsync("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-");

    /// <summary>The PDF's text in the order it was drawn (<c>pdftotext -raw</c>): a label and its value follow one another.</summary>
    public static Task<string> RawTextAsync(string pdf) => RunAsync("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-");

    /// <summary><c>pdfinfo</c>'s fields ("Pages", "Page size", …).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> InfoAsync(string pdf)
    {
        var text = await RunAsync("pdfinfo", pdf);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start (apt-get install poppler-utils)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: exit {process.ExitCode}: {await error}");
        return await output;
    }
}
