using System.Security.Cryptography;
using System.Text;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// A fake (named so) for the printing slice's Chromium generator, for the schedule's and the endpoints' tests, whose subject is
/// keeping, scheduling, sending and role checks, not printing: it writes a small, real PDF (one page naming the report)
/// and records what it was asked. <see cref="FailNext"/> makes the next calls throw (a generation fault the tests
/// cannot make real without breaking Chromium).
/// </summary>
internal sealed class FakeReportGenerator(string timeZone = "Europe/London") : IReportGenerator
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);

    /// <summary>What was asked, in order: "weekly 2026-W43 site -" or "governors 2026-11-01 2026-11-30".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>How many of the next calls fail.</summary>
    public int FailNext { get; set; }

    /// <summary>When set, every call waits for it before writing (a slow Chromium, to see what waits behind it).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Calls that have started (waiting on <see cref="Hold"/> or not).</summary>
    public int Started => Volatile.Read(ref started);

    private int started;

    public Task<GeneratedReport> GenerateWeeklyAsync(long? siteId, IsoWeek week, string outputPath, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.OfWeek(week, zone);
        return WriteAsync($"weekly {week} site {siteId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}", ReportKind.Weekly, period,
            $"Weekly traffic report, {period.Label}", outputPath, siteId);
    }

    public Task<GeneratedReport> GenerateGovernorsAsync(DateOnly first, DateOnly last, string outputPath, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Of(first, last, zone);
        return WriteAsync($"governors {first:yyyy-MM-dd} {last:yyyy-MM-dd}", ReportKind.Governors, period, $"Governors' report, {period.Label}", outputPath, null);
    }

    /// <summary>A one-page PDF whose text is <paramref name="text"/> (ASCII), with a correct cross-reference table.</summary>
    public static byte[] Pdf(string text)
    {
        var safe = new string([.. text.Select(c => c is >= ' ' and <= '~' and not '(' and not ')' and not '\\' ? c : '-')]);
        var stream = $"BT /F1 18 Tf 72 770 Td ({safe}) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            $"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private async Task<GeneratedReport> WriteAsync(string call, ReportKind kind, ReportPeriod period, string title, string outputPath, long? siteId)
    {
        lock (Calls)
        {
            Calls.Add(call);
        }

        Interlocked.Increment(ref started);
        if (Hold is { } hold)
        {
            await hold.Task;
        }

        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("Chromium exited with code 1 before printing (a fake fault)");
        }

        var bytes = Pdf(title + " " + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(outputPath, bytes);
        return new GeneratedReport(kind, period, title, outputPath, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), siteId);
    }
}
