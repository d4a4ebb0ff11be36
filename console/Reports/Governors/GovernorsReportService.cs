using System.Text.RegularExpressions;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Reports.Governors;

/// <summary>A period the page offers, ready to open: its days, its name, and why it cannot be chosen (null when it can).</summary>
/// <param name="Days">The days, or null when it cannot be chosen.</param>
/// <param name="Label">"Last month (November 2026)".</param>
/// <param name="Unavailable">Why not, in a sentence, or null.</param>
public sealed record GovernorsPeriodChoice(GovernorsDays? Days, string Label, string? Unavailable);

/// <summary>What a governor's check of an earlier report's hash found.</summary>
/// <param name="Matches">The entry still has that hash and the whole log verifies.</param>
/// <param name="Message">What that means, in words.</param>
public sealed record GovernorsCheckpointResult(bool Matches, string Message);

/// <summary>
/// The governors' report page's service: checks the caller's role again (<see cref="Policies.GovernorsReportRoles"/>),
/// whatever the page's policy let through, then reads the report; offers the periods (this month, last month, last
/// term); checks a head hash copied from an earlier report.
/// </summary>
internal sealed partial class GovernorsReportService(GovernorsReportReader reader, StateStore store, TimeProvider time, ILogger<GovernorsReportService> logger)
{
    /// <summary>Said to someone whose role does not read the governors' report.</summary>
    public const string NotForYou = "The governors' report is for governors, the safeguarding lead and administrators.";

    /// <summary>Whether <paramref name="actor"/> may read the governors' report.</summary>
    public static bool MayRead(ConsoleUser? actor) => actor is not null && Policies.GovernorsReportRoles.Any(actor.Roles.Contains);

    /// <summary>The school's date today.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), reader.Zone).DateTime);

    /// <summary>The report for the days, or null (logged) when <paramref name="actor"/> may not read it.</summary>
    public async Task<GovernorsReport?> ReadAsync(ConsoleUser? actor, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            GovernorsLog.Refused(logger, actor?.UserName ?? "(signed out)", "not a governor, safeguarding lead or administrator");
            return null;
        }

        if (!GovernorsPeriods.TryPeriod(first, last, Today, out var error))
        {
            throw new ArgumentException(error, nameof(last));
        }

        return await reader.ReadAsync(first, last, cancellationToken);
    }

    /// <summary>This month so far, last month and the last term that ended (unavailable, with the reason, when the calendar has none).</summary>
    public async Task<IReadOnlyList<GovernorsPeriodChoice>> ChoicesAsync(CancellationToken cancellationToken)
    {
        var today = Today;
        var calendar = await store.Policy.GetCalendarAsync(cancellationToken);
        var thisMonth = GovernorsPeriods.ThisMonth(today);
        var lastMonth = GovernorsPeriods.LastMonth(today);
        var term = GovernorsPeriods.LastTerm(today, calendar);
        return
        [
            new GovernorsPeriodChoice(thisMonth, $"This month ({thisMonth.Name})", null),
            new GovernorsPeriodChoice(lastMonth, $"Last month ({lastMonth.Name})", null),
            term is { } t
                ? new GovernorsPeriodChoice(t, $"Last term ({t.Name})", null)
                : new GovernorsPeriodChoice(null, "Last term", calendar.HasTerms
                    ? "No term in the school calendar has ended yet."
                    : "The school calendar has no terms yet: a technician adds them on the School calendar page."),
        ];
    }

    /// <summary>
    /// Whether entry <paramref name="sequence"/> of the log still has <paramref name="hash"/> (copied from an earlier
    /// report) and the whole log verifies: a rewrite of history before it, or a truncation, shows.
    /// </summary>
    public async Task<GovernorsCheckpointResult?> CheckAsync(ConsoleUser? actor, long sequence, string? hash, CancellationToken cancellationToken)
    {
        if (!MayRead(actor))
        {
            GovernorsLog.Refused(logger, actor?.UserName ?? "(signed out)", "checking a hash: not a governor, safeguarding lead or administrator");
            return null;
        }

        var text = hash?.Trim().ToLowerInvariant() ?? string.Empty;
        if (sequence < 1 || !HashPattern().IsMatch(text))
        {
            return new GovernorsCheckpointResult(false, "Type the entry number and its 64-character hash exactly as the earlier report prints them.");
        }

        var result = await store.ChangeControl.VerifyChainAsync(new ChainCheckpoint(sequence, text), cancellationToken);
        var outcome = result.IsValid
            ? new GovernorsCheckpointResult(true, $"Entry {sequence} still has that hash and every entry verifies: the log has not been rewritten since the earlier report.")
            : result.FirstBadSequence == sequence && result.Problem?.Contains("checkpoint", StringComparison.Ordinal) == true
                ? new GovernorsCheckpointResult(false, $"Entry {sequence} no longer has that hash: the log's history was rewritten after the earlier report. Tell the headteacher.")
                : result.Problem?.Contains("before checkpoint", StringComparison.Ordinal) == true
                    ? new GovernorsCheckpointResult(false, $"The log now ends before entry {sequence}: entries were removed after the earlier report. Tell the headteacher.")
                    : new GovernorsCheckpointResult(false, "The log does not verify: an entry has been altered or removed (the report's check of the log names it). Tell the headteacher.");
        GovernorsLog.CheckpointChecked(logger, actor!.UserName, sequence, outcome.Matches ? "matches" : result.Problem ?? "does not match");
        return outcome;
    }

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();
}
