using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>An always-on list as the lists page shows it.</summary>
/// <param name="Name">"Child sexual abuse content (IWF list)".</param>
/// <param name="Configured">True when a list feeds it (names &gt; 0).</param>
/// <param name="Source">"iwf.txt, updated 12 Nov 2026", or what to do when none is configured.</param>
/// <param name="Entries">"12,345 names".</param>
public sealed record AlwaysOnRow(string Name, bool Configured, string Source, string Entries);

/// <summary>A category of the lists.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Sources">Its lists, with their dates.</param>
/// <param name="Entries">"1,234 names".</param>
/// <param name="Empty">No list feeds it.</param>
public sealed record CategoryRow(string Name, string Sources, string Entries, bool Empty);

/// <summary>One configured list file.</summary>
/// <param name="Name">"UT1 games".</param>
/// <param name="Format">"UT1 folder", "Plain list", …</param>
/// <param name="Categories">Category names.</param>
/// <param name="Entries">"1,234 names", "not counted (read from the compiled copy)" or "missing".</param>
/// <param name="Updated">The file's date.</param>
/// <param name="Missing">The file does not exist.</param>
public sealed record SourceRow(string Name, string Format, string Categories, string Entries, string Updated, bool Missing);

/// <summary>The lists page.</summary>
/// <param name="Unreachable">Why the DNS filter could not be asked (then nothing else is set).</param>
/// <param name="AlwaysOn">The always-on lists.</param>
/// <param name="Categories">Every other category with names, by name.</param>
/// <param name="Unused">Categories no list feeds.</param>
/// <param name="Sources">The list files.</param>
/// <param name="Loaded">"Loaded Monday 7 December 2026 at 06:00; the DNS filter loads new lists as they are downloaded…".</param>
/// <param name="TotalNames">"345,678 names in all".</param>
/// <param name="Health">The version in force, the lists every school must have, the downloads and feeds; null when the filter does not report them.</param>
public sealed record ListsView(
    string? Unreachable, IReadOnlyList<AlwaysOnRow> AlwaysOn, IReadOnlyList<CategoryRow> Categories, IReadOnlyList<string> Unused,
    IReadOnlyList<SourceRow> Sources, string Loaded, string TotalNames, Lists.ListsHealthView? Health = null);

/// <summary>The blocklists page's service: what the running DNS filter has loaded, in words.</summary>
internal sealed class ListsService(DnsFilterClient filter, SchoolClock clock)
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    public async Task<ListsView?> GetAsync(ConsoleUser? actor, CancellationToken cancellationToken)
    {
        if (!WhyService.MayUse(actor))
        {
            return null;
        }

        var answer = await filter.AskAsync(new ControlRequest(ControlRequestKind.Lists), cancellationToken);
        if (answer.Unreachable is not null || answer.Reply?.Lists is not { } lists)
        {
            return new ListsView(answer.Unreachable ?? "The DNS filter could not answer: " + (answer.Reply?.Error ?? "no reason given."), [], [], [], [], "", "");
        }

        lists = Lists.FeedSourceNames.Named(lists);
        var alwaysOn = lists.Categories.Where(c => c.AlwaysOn).Select(c => c.Names > 0
            ? new AlwaysOnRow(c.Category.Name, true, Sources(c.Sources), Names(c.Names))
            : new AlwaysOnRow(c.Category.Name, false, NotConfigured(c.Category), "none")).ToList();
        var categories = lists.Categories.Where(c => !c.AlwaysOn && c.Names > 0)
            .Select(c => new CategoryRow(c.Category.Name, Sources(c.Sources), Names(c.Names), false)).ToList();
        var unused = lists.Categories.Where(c => !c.AlwaysOn && c.Names == 0).Select(c => c.Category.Name).ToList();
        var sources = lists.Sources.Select(s => new SourceRow(
            s.Name, Format(s.Format), string.Join(", ", s.Categories.Select(c => c.Name)),
            s.Missing ? "missing" : s.Entries is { } n ? Names(n) : "not counted (read from the compiled copy)",
            s.Updated is { } u ? Date(u) : "—", s.Missing)).ToList();
        var loaded = clock.Local(lists.LoadedAt);
        return new ListsView(
            null, alwaysOn, categories, unused, sources,
            $"Loaded {loaded.ToString("dddd d MMMM yyyy 'at' HH:mm", English)}; the DNS filter loads new lists as they are downloaded, and keeps answering meanwhile.",
            $"{lists.Names.ToString("N0", English)} names in all",
            Lists.ListsHealthWords.Of(lists.Health, clock));
    }

    /// <summary>What to do when no list feeds an always-on category (said without keys except the setting's).</summary>
    private static string NotConfigured(CategoryName category)
    {
        var provider = category.Key switch
        {
            "child_abuse" => "the Internet Watch Foundation's URL list (through your IWF member filtering provider)",
            "terrorism" => "the Counter Terrorism Internet Referral Unit's list (CTIRU, through your filtering provider)",
            _ => "the list from your filtering provider",
        };
        return $"Nothing is blocked under it yet. Get {provider}: set its address and credentials as a Dns:Lists:Feeds setting in the appliance's secrets file, or save the file on the appliance under Dns:Lists:Sources, with Category \"{category.Key}\", and restart the DNS filter (docs/dns-policy.md).";
    }

    private static string Sources(IReadOnlyList<ListSourceName> sources)
        => sources.Count == 0 ? "—" : string.Join("; ", sources.Select(s => s.Updated is { } u ? $"{s.Name}, updated {Date(u)}" : s.Name));

    private static string Names(int count) => count == 1 ? "1 name" : count.ToString("N0", English) + " names";

    private static string Date(DateTimeOffset at) => at.ToString("d MMM yyyy", English);

    private static string Format(string format) => format switch
    {
        "Ut1" => "UT1 folder",
        "Hosts" => "Hosts file",
        "AdBlock" => "Adblock list",
        _ => "Plain list",
    };
}
