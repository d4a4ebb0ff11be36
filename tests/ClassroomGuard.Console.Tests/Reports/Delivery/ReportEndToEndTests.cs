using System.Diagnostics;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Tests.Safeguarding;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// The whole way with the console's own services: the real report printer (Debian's Chromium) prints a governors'
/// report into the reports folder, it is kept and queued, and the console's running mail sender delivers it to a real
/// SMTP server with the kept PDF attached, byte for byte; pdftotext reads the report's title in it.
/// </summary>
public sealed class ReportEndToEndTests : IDisposable
{
    private readonly string maildir = Directory.CreateTempSubdirectory("cg-report-e2e-").FullName;

    [Fact]
    public async Task GovernorsReport_RealPrinter_KeptQueuedAndDeliveredByTheRunningConsole()
    {
        using var smtp = await AiosmtpdServer.StartAsync(maildir);
        await using var factory = new ConsoleFactory(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"))
        {
            TestServices = services => services.Configure<MailOptions>(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = smtp.Port;
                o.Security = MailSecurity.None;
                o.From = "classroomguard@school.example";
            }),
        };
        var store = ConsoleSession.Store(factory);
        var governor = await ConsoleSession.UserAsync(factory, "e2e.governor", Role.Governor);
        await store.Users.SetEmailAsync(governor.Id, "governor@school.example", CancellationToken.None);
        var archive = factory.Services.GetRequiredService<ReportArchive>();
        var mailer = factory.Services.GetRequiredService<ReportMailer>();

        var report = await archive.KeepGovernorsAsync(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), ReportTrigger.Schedule, null, CancellationToken.None);
        Assert.NotNull(await mailer.QueueAsync(report, CancellationToken.None));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (smtp.Messages().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the console's mail sender did not deliver within 60 s: " + (await store.MailOutbox.GetStatusAsync(CancellationToken.None)).LastError);
            await Task.Delay(200);
        }

        var message = Assert.Single(smtp.Messages());
        var attachment = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes);
        var kept = await File.ReadAllBytesAsync(archive.PathOf(report));
        Assert.Equal(kept, bytes.ToArray());
        Assert.Equal(report.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(kept)));
        Assert.Contains("Governors' report", await PdfTextAsync(archive.PathOf(report)), StringComparison.Ordinal);
        Assert.Equal(ReportMailState.Sent, (await store.Reports.GetAsync(report.Id, CancellationToken.None))!.MailState);
    }

    public void Dispose() => Directory.Delete(maildir, recursive: true);

    private static async Task<string> PdfTextAsync(string path)
    {
        var info = new ProcessStartInfo("/usr/bin/pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        info.ArgumentList.Add("-");
        using var process = Process.Start(info)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "pdftotext failed: " + await process.StandardError.ReadToEndAsync());
        return text;
    }
}
