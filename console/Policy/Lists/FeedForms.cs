using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Lists;

/// <summary>How a feed is written, as the form offers it.</summary>
public enum FeedFormat
{
    /// <summary>One name a line.</summary>
    DomainList,

    /// <summary>Hosts-file lines (<c>0.0.0.0 name</c>).</summary>
    HostsFile,
}

/// <summary>The form that proposes one of the school's own feeds (the reason is asked for when proposing).</summary>
public sealed class FeedForm : IValidatableObject
{
    [Required(ErrorMessage = "Give the feed a name, for example \"Trust's extra blocklist\".")]
    [StringLength(ListFeedRules.MaxNameLength, ErrorMessage = "A name is at most 80 characters.")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Give the feed's address, starting with https:// (or http://).")]
    public string? Url { get; set; }

    public FeedFormat Format { get; set; } = FeedFormat.DomainList;

    [Required(ErrorMessage = "Choose the category the feed's names are listed in.")]
    public string? Category { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Url) && ListFeedRules.Url(Url, out var problem) is null)
        {
            yield return new ValidationResult(problem, [nameof(Url)]);
        }

        if (!string.IsNullOrWhiteSpace(Name) && ListFeedRules.NameProblem(Name) is { } name)
        {
            yield return new ValidationResult(name, [nameof(Name)]);
        }
    }
}

/// <summary>One feed on the Blocklists page.</summary>
/// <param name="FeedId">The school's own feed's id, for its Remove button only (never shown); null for a feed from the settings.</param>
/// <param name="Name">What people call it.</param>
/// <param name="Url">Where it is fetched from (never with credentials).</param>
/// <param name="Category">The category its names are listed in, by name.</param>
/// <param name="Origin">"From the appliance's settings" or "Added in the console (change 12)".</param>
/// <param name="AlwaysOn">Always on: nothing can switch it off.</param>
/// <param name="Names">"12,345 names", or "not fetched yet".</param>
/// <param name="Fetched">When the copy in force was fetched, or "never".</param>
/// <param name="Problem">Why the last fetch failed, or null.</param>
/// <param name="RemovalPending">Its removal waits for approval.</param>
public sealed record FeedRow(long? FeedId, string Name, string Url, string Category, string Origin, bool AlwaysOn, string Names, string Fetched, string? Problem, bool RemovalPending);

/// <summary>The feeds part of the Blocklists page.</summary>
/// <param name="Feeds">Settings feeds first (always-on ones at the top), then the school's own, oldest first.</param>
/// <param name="Pending">Feed changes waiting for a second person.</param>
/// <param name="Categories">What a new feed may be listed as (never an always-on category), by name.</param>
/// <param name="MayEdit">The person may propose feeds and ask for a refresh (technician or administrator).</param>
/// <param name="Note">Said above the table when the filter's report on the feeds is not known; null otherwise.</param>
public sealed record FeedsView(IReadOnlyList<FeedRow> Feeds, IReadOnlyList<PendingNote> Pending, IReadOnlyList<Choice> Categories, bool MayEdit, string? Note);
