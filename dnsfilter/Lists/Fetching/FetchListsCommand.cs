using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Storage.Hosting;
using Microsoft.Extensions.Configuration;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// <c>ClassroomGuard.DnsFilter fetch-lists</c>: fetches UT1's archive and every configured feed once, with the same
/// checks and the same on-disk layout as the running filter (which picks up what it publishes at its next start or
/// reload), and says what it did. Set-up runs it before starting the filter. Exit 0 when every required list is in
/// force afterwards; <see cref="TempFail"/> when a download failed or a required list is still missing.
/// </summary>
internal static class FetchListsCommand
{
    /// <summary>EX_TEMPFAIL: a download failed, or a required list is missing; trying again later may succeed.</summary>
    public const int TempFail = 75;

    /// <summary>EX_CONFIG.</summary>
    public const int BadConfiguration = 78;

    public static async Task<int> RunAsync(string[] settings, TextWriter output, CancellationToken cancellationToken)
    {
        using var configuration = new ConfigurationManager();
        configuration.AddClassroomGuardSources(settings);
        var options = configuration.GetSection(DnsListOptions.SectionName).Get<DnsListOptions>() ?? new DnsListOptions();
        var policy = configuration.GetSection(DnsPolicyOptions.SectionName).Get<DnsPolicyOptions>() ?? new DnsPolicyOptions();
        var directory = ListDirectory.From(options, configuration["State:Path"]);
        if (directory is null)
        {
            await output.WriteLineAsync("ClassroomGuard.DnsFilter: nowhere to keep downloaded lists: set Dns:Lists:Directory or State:Path.");
            return BadConfiguration;
        }

        var failed = false;
        if (string.IsNullOrWhiteSpace(options.Ut1Url))
        {
            await output.WriteLineAsync("UT1: not fetched (Dns:Lists:Ut1Url is empty).");
        }
        else
        {
            var shown = ListAddress.Redact(options.Ut1Url);
            await output.WriteLineAsync($"UT1: fetching {shown} into {directory.Root} …");
            var result = await new Ut1ArchiveFetcher(options, directory).FetchAsync(cancellationToken);
            if (result.Succeeded)
            {
                await output.WriteLineAsync($"UT1: {result.Message}");
                if (result.Note is not null)
                {
                    await output.WriteLineAsync($"UT1: note: {result.Note}");
                }
            }
            else
            {
                failed = true;
                await output.WriteLineAsync($"UT1 download from {shown} failed: {result.Message}");
            }
        }

        foreach (var feed in options.Feeds)
        {
            var shown = ListAddress.Redact(feed.Url);
            var result = await new FeedFetcher(options, directory).FetchAsync(feed.Name, feed.Url, feed.Format, cancellationToken);
            failed |= !result.Succeeded;
            await output.WriteLineAsync(result.Succeeded ? $"Feed '{feed.Name}' ({shown}): {result.Message}" : $"Feed '{feed.Name}' download from {shown} failed: {result.Message}");
        }

        var sources = ListSources.EffectiveSources(options, directory, []);
        var missing = ListHealthReport.RequiredMissing(options, sources, policy.AlwaysOnCategories);
        await output.WriteLineAsync($"Lists in force: {ListHealthReport.Version(sources, directory)}");
        if (missing.Count > 0)
        {
            await output.WriteLineAsync($"Required lists NOT in force: {string.Join(", ", missing)}");
            return TempFail;
        }

        await output.WriteLineAsync("Required lists in force: all.");
        return failed ? TempFail : 0;
    }
}
