using System.Globalization;
using System.Security.Cryptography;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Reports.Printing;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>
/// The kept reports: PDF files in Reports:Directory (owner-only folder and files), one row each in <c>reports</c>.
/// File names are made from the kind, the period (and site) and the time of generation, never from anything a person
/// typed. Reports are generated one at a time (Chromium is heavy), each within Reports:Timeout. The retention sweep
/// deletes a kind's files and rows older than Reports:&lt;Kind&gt;:RetentionDays.
/// </summary>
public sealed class ReportArchive(
    StateStore store, IOptions<ReportOptions> options, IOptions<StateOptions> state, TimeProvider time, ILogger<ReportArchive> logger,
    IReportGenerator? generator = null)
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private int inside; // generations running or waiting for their turn

    /// <summary>The folder the reports are kept in (full path).</summary>
    public string Directory => Path.GetFullPath(options.Value.Directory);

    /// <summary>Generations running or waiting their turn now (at most two on request; the schedule's always wait).</summary>
    public int Generating => Volatile.Read(ref inside);

    /// <summary>The school's time zone (State:TimeZone).</summary>
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone);

    /// <summary>
    /// Creates the folder (owner-only) if missing and proves it can be written. A folder that cannot be created or
    /// written stops the console's start with a message naming Reports:Directory (exit 78), as
    /// Console:DataProtectionKeysPath does, instead of failing every report later.
    /// </summary>
    public void EnsureFolder() =>
        OwnerOnlyFolder.Ensure(options.Value.Directory, ReportOptions.Section, typeof(ReportOptions), "Reports:Directory",
            path => Path.IsPathFullyQualified(path) ? null : "it must be an absolute folder path",
            "Create it (owner: the ClassroomGuard service user, mode 0700) or set Reports:Directory to a folder it can write.");

    /// <summary>The full path of a kept report's file (its name is checked again: it can never leave the folder).</summary>
    public string PathOf(KeptReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!ReportRepository.IsFileName(report.FileName))
        {
            throw new InvalidOperationException("A kept report's file name is not one this console makes.");
        }

        return Path.Combine(Directory, report.FileName);
    }

    /// <summary>The weekly report of <paramref name="siteId"/> (null: the whole appliance) for <paramref name="week"/>, generated and kept now.</summary>
    public Task<KeptReport> KeepWeeklyAsync(long? siteId, IsoWeek week, ReportTrigger trigger, long? userId, CancellationToken cancellationToken)
    {
        var site = siteId is { } id ? string.Create(CultureInfo.InvariantCulture, $"-site-{id}") : string.Empty;
        return KeepAsync(
            ReportKind.Weekly, string.Create(CultureInfo.InvariantCulture, $"weekly-{week.Year:D4}-w{week.Week:D2}{site}"), trigger, userId,
            (path, ct) => Generator.GenerateWeeklyAsync(siteId, week, path, ct), cancellationToken);
    }

    /// <summary>The governors' report for <paramref name="first"/> to <paramref name="last"/>, generated and kept now.</summary>
    public Task<KeptReport> KeepGovernorsAsync(DateOnly first, DateOnly last, ReportTrigger trigger, long? userId, CancellationToken cancellationToken)
        => KeepAsync(
            ReportKind.Governors, string.Create(CultureInfo.InvariantCulture, $"governors-{first:yyyy-MM-dd}-to-{last:yyyy-MM-dd}"), trigger, userId,
            (path, ct) => Generator.GenerateGovernorsAsync(first, last, path, ct), cancellationToken);

    /// <summary>
    /// Deletes the reports (file and row) of each kind generated more than its Reports:&lt;Kind&gt;:RetentionDays before
    /// <paramref name="now"/>. Returns how many went.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var deleted = 0;
        foreach (var (kind, days) in new[] { (ReportKind.Weekly, o.Weekly.RetentionDays), (ReportKind.Governors, o.Governors.RetentionDays) })
        {
            foreach (var report in await store.Reports.ListGeneratedBeforeAsync(kind, now - TimeSpan.FromDays(days), cancellationToken))
            {
                if (report.MailState is ReportMailState.Waiting or ReportMailState.Failing)
                {
                    ReportDeliveryLog.KeptForMail(logger, report.FileName); // the waiting e-mail attaches it; swept once sent
                    continue;
                }

                try
                {
                    File.Delete(PathOf(report));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    ReportDeliveryLog.DeleteFailed(logger, report.FileName, e.Message);
                    continue; // the row stays, so the next sweep tries again
                }

                if (await store.Reports.DeleteAsync(report.Id, cancellationToken))
                {
                    deleted++;
                    ReportDeliveryLog.Expired(logger, kind, report.FileName, report.GeneratedAt, days);
                }
            }
        }

        await SweepOrphansAsync(now, cancellationToken);
        return deleted;
    }

    /// <summary>
    /// Deletes files no row names (the row could not be written after the file was moved in) and temporary files a
    /// crash left, once they are older than Reports:Timeout and an hour (never one a generation is writing now).
    /// </summary>
    private async Task SweepOrphansAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var named = (await store.Reports.ListFileNamesAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var cutoff = (now - options.Value.Timeout - TimeSpan.FromHours(1)).UtcDateTime;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.pdf"))
        {
            var name = Path.GetFileName(path);
            var orphan = (name.StartsWith('.') && name.EndsWith(".part.pdf", StringComparison.Ordinal)) || (ReportRepository.IsFileName(name) && !named.Contains(name));
            if (!orphan || File.GetLastWriteTimeUtc(path) > cutoff)
            {
                continue;
            }

            try
            {
                File.Delete(path);
                ReportDeliveryLog.OrphanDeleted(logger, name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ReportDeliveryLog.DeleteFailed(logger, name, e.Message);
            }
        }
    }

    private IReportGenerator Generator => generator ?? throw new InvalidOperationException("This console has no PDF report printer registered (IReportGenerator).");

    private async Task<KeptReport> KeepAsync(
        ReportKind kind, string stem, ReportTrigger trigger, long? userId, Func<string, CancellationToken, Task<GeneratedReport>> generate, CancellationToken cancellationToken)
    {
        // One generation runs, at most one more waits its turn: a request beyond that is refused at once (429) rather
        // than queued without end in front of the schedule. The schedule itself always waits.
        if (Interlocked.Increment(ref inside) > 2 && trigger != ReportTrigger.Schedule)
        {
            Interlocked.Decrement(ref inside);
            throw new ReportsBusyException();
        }

        try
        {
            await oneAtATime.WaitAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref inside);
            throw;
        }

        var temporary = Path.Combine(Directory, $".{Guid.NewGuid():N}.part.pdf");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            var generated = await generate(temporary, timeout.Token);
            if (!File.Exists(temporary))
            {
                throw new IOException("The report printer finished without writing the PDF.");
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, OwnerOnlyFile);
            }

            var name = FreeName(stem);
            File.Move(temporary, Path.Combine(Directory, name));
            var path = Path.Combine(Directory, name);
            var (bytes, sha) = await DigestAsync(path, cancellationToken);
            var title = string.IsNullOrWhiteSpace(generated.Title) ? stem : generated.Title.Trim();
            if (title.Length > 200)
            {
                title = title[..200];
            }

            var kept = await store.Reports.AddAsync(
                new NewReport(kind, generated.SiteId, generated.Period.First, generated.Period.Last, title, name, bytes, sha, trigger, userId), CancellationToken.None);
            if (kept is null)
            {
                // The schedule kept this period meanwhile (another round, before a restart): keep the first, drop this copy.
                File.Delete(path);
                return (await store.Reports.FindScheduledAsync(kind, generated.SiteId, generated.Period.First, generated.Period.Last, CancellationToken.None))!;
            }

            ReportDeliveryLog.Kept(logger, kind, title, name, bytes, trigger);
            return kept;
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ReportDeliveryLog.DeleteFailed(logger, Path.GetFileName(temporary), e.Message);
            }

            Interlocked.Decrement(ref inside);
            oneAtATime.Release();
        }
    }

    /// <summary>A report kept at or after <paramref name="since"/> for the same kind, site and period, or null.</summary>
    public Task<KeptReport?> RecentAsync(ReportKind kind, long? siteId, ReportPeriod period, DateTimeOffset since, CancellationToken cancellationToken)
        => store.Reports.FindRecentAsync(kind, siteId, period.First, period.Last, since, cancellationToken);

    /// <summary>"weekly-2026-w49-20261207-0700.pdf": the stem and the school's time of generation; a suffix when taken.</summary>
    private string FreeName(string stem)
    {
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone);
        var name = string.Create(CultureInfo.InvariantCulture, $"{stem}-{local:yyyyMMdd-HHmmss}");
        var candidate = name + ".pdf";
        for (var i = 2; File.Exists(Path.Combine(Directory, candidate)); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}-{i}.pdf");
        }

        return candidate;
    }

    private static async Task<(long Bytes, string Sha256)> DigestAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return (file.Length, Convert.ToHexStringLower(hash));
    }
}
