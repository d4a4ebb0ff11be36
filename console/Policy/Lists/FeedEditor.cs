using System.Globalization;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>
/// The feeds on the Blocklists page and what a technician may do there: propose adding or removing one of the school's own
/// feeds (two-person change control, with a reason, through <see cref="PolicyEditor.ProposeAsync"/>), and ask the DNS filter
/// to check for new lists now. Every read checks the person may see the lists; every action checks again, against the
/// account as stored now, that they are a technician or administrator.
/// </summary>
internal sealed class FeedEditor(StateStore store, CurrentUser currentUser, DnsFilterClient filter, SchoolClock clock, ILogger<FeedEditor> logger)
{
    public const string NotAnEditor = "Only a technician or administrator can change the blocklists or fetch them now.";
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>The feeds (from the filter's report and the state), pending feed changes, and the form's choices; null when the person may not see the lists.</summary>
    public async Task<FeedsView?> FeedsAsync(ListsHealthView? health, bool filterAnswered, CancellationToken cancellationToken)
    {
        var actor = await currentUser.GetAsync();
        if (!WhyService.MayUse(actor))
        {
            return null;
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        var pending = (await store.ChangeControl.GetPendingAsync(cancellationToken)).Where(p => p.Change is AddListFeedChange or RemoveListFeedChange).ToList();
        var users = pending.Count == 0 ? new Dictionary<long, string>() : (await store.Users.ListAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.DisplayName);
        var notes = pending.Select(p => new PendingNote(
            p.ChangeId, FeedSentences.Describe(p.Change, snapshot)!, p.Reason, users.TryGetValue(p.ProposerId, out var name) ? name : p.ProposerName,
            clock.Local(p.ProposedAt).ToString("ddd d MMM, HH:mm", English), p.ProposerId == actor!.Id)).ToList();
        var removals = pending.Select(p => p.Change).OfType<RemoveListFeedChange>().Select(r => r.FeedId).ToHashSet();

        var reported = health?.Feeds ?? [];
        string CategoryName(string key) => snapshot.Categories.FirstOrDefault(c => c.Key == key)?.Name ?? "a category no longer on record";
        var rows = reported.Where(f => f.FeedId is null)
            .OrderByDescending(f => f.AlwaysOn).ThenBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .Select(f => new FeedRow(null, f.Name, f.Url, f.Category.Name, "From the appliance's settings", f.AlwaysOn, Names(f.Names), Fetched(f.Fetched), Problem(f.Problem), false))
            .ToList();
        foreach (var feed in snapshot.ListFeeds)
        {
            var report = reported.FirstOrDefault(f => f.FeedId == feed.Id);
            rows.Add(new FeedRow(
                feed.Id, feed.Name, feed.Url, CategoryName(feed.CategoryKey),
                $"Added in the console on {clock.Local(feed.AddedAt).ToString("d MMM yyyy", English)} (change {feed.ChangeId}), {FeedSentences.Format(feed.Format)}",
                false,
                report is null ? "not fetched yet" : Names(report.Names),
                report is null ? "not yet" : Fetched(report.Fetched),
                Problem(report?.Problem),
                removals.Contains(feed.Id)));
        }

        var note = !filterAnswered
            ? "The DNS filter cannot be asked, so whether each feed was fetched is not known."
            : health is null
                ? "The DNS filter does not report its feeds (it may be older than this console: run set-up again to update both), so only the feeds added here are listed, without whether they were fetched."
                : null;
        var categories = snapshot.Categories.Where(c => !c.AlwaysOn).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(c => new Choice(c.Key, c.Name)).ToList();
        return new FeedsView(rows, notes, categories, await EditorAsync(cancellationToken) is not null, note);
    }

    /// <summary>A new feed from the form, checked as change control will check it, each refusal beside its field.</summary>
    public async Task<Prepared> PrepareAddAsync(FeedForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ListFeedRules.NameProblem(form.Name) is { } badName)
        {
            return Prepared.Refused(badName, nameof(FeedForm.Name));
        }

        if (ListFeedRules.Url(form.Url, out var badUrl) is not { } url)
        {
            return Prepared.Refused(badUrl!, nameof(FeedForm.Url));
        }

        if (!Enum.IsDefined(form.Format))
        {
            return Prepared.Refused("Choose a domain list or a hosts file.", nameof(FeedForm.Format));
        }

        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.Categories.FirstOrDefault(c => c.Key == form.Category) is not { } category)
        {
            return Prepared.Refused("Choose the category the feed's names are listed in.", nameof(FeedForm.Category));
        }

        if (category.AlwaysOn)
        {
            return Prepared.Refused($"{category.Name} is always on: its lists come with credentials and are set in the appliance's secrets file (Dns:Lists:Feeds), never from a page.", nameof(FeedForm.Category));
        }

        var name = form.Name!.Trim();
        if (snapshot.ListFeeds.FirstOrDefault(f => f.Url == url) is { } same)
        {
            return Prepared.Refused($"The feed {same.Name} already uses this address.", nameof(FeedForm.Url));
        }

        if (snapshot.ListFeeds.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return Prepared.Refused($"Another feed is already called {named.Name}: choose a different name.", nameof(FeedForm.Name));
        }

        if (snapshot.ListFeeds.Count >= ListFeedRules.MaxFeeds)
        {
            return Prepared.Refused($"There are already {snapshot.ListFeeds.Count} feeds, the most allowed: remove one you no longer need first.");
        }

        PolicyChange change = new AddListFeedChange(name, url, form.Format == FeedFormat.HostsFile ? ListFeedRules.Hosts : ListFeedRules.Plain, category.Key);
        return Prepared.Ready(new Proposal([change], FeedSentences.Describe(change, snapshot)!));
    }

    /// <summary>Removing one of the school's own feeds.</summary>
    public async Task<Prepared> PrepareRemoveAsync(long feedId, CancellationToken cancellationToken)
    {
        var snapshot = await store.Policy.GetSnapshotAsync(cancellationToken);
        if (snapshot.ListFeeds.All(f => f.Id != feedId))
        {
            return Prepared.Refused("That feed is no longer in use.");
        }

        PolicyChange change = new RemoveListFeedChange(feedId);
        return Prepared.Ready(new Proposal([change], FeedSentences.Describe(change, snapshot)!));
    }

    /// <summary>Asks the DNS filter to fetch the UT1 collection and every feed now (as its daily refresh does).</summary>
    public async Task<AdminResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var actor = await EditorAsync(cancellationToken);
        if (actor is null)
        {
            return AdminResult.Refused(NotAnEditor);
        }

        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.RefreshLists), cancellationToken);
        AdminResult result;
        if (answer.Unreachable is not null)
        {
            result = AdminResult.Refused("The DNS filter cannot be asked. " + answer.Unreachable);
        }
        else if (answer.Reply?.Error is { } error)
        {
            result = AdminResult.Refused($"The DNS filter did not start a download: {error}");
        }
        else
        {
            result = AdminResult.Done("The DNS filter is checking for new lists now. It keeps the lists in force until a new set passes every check; this page shows the result when it is done (refresh it in a minute or two).");
        }

        Log.ListsRefreshRequested(logger, actor.UserName, result.Message);
        return result;
    }

    /// <summary>The signed-in person when they may change the lists (claims and the account as stored now), else null.</summary>
    private async Task<ConsoleUser?> EditorAsync(CancellationToken cancellationToken)
    {
        var actor = await currentUser.GetAsync();
        if (actor is null)
        {
            return null;
        }

        var account = actor.IsAdministration ? await store.Users.GetAsync(actor.Id, cancellationToken) : null;
        if (account is { Disabled: false } && Policies.AdministrationRoles.Any(account.IsIn))
        {
            return actor;
        }

        return null;
    }

    private static string Names(int? count) => count switch
    {
        null => "not fetched yet",
        1 => "1 name",
        { } n => n.ToString("N0", English) + " names",
    };

    private string Fetched(DateTimeOffset? at) => ListsHealthWords.When(at, clock, "never");

    private static string? Problem(string? problem) => string.IsNullOrWhiteSpace(problem) ? null : problem;
}
