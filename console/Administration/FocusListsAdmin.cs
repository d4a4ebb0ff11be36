using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>A saved focus list as the page shows it.</summary>
/// <param name="Id">List id (never shown).</param>
/// <param name="Name">Name.</param>
/// <param name="Sites">Its sites.</param>
/// <param name="Updated">"Changed on 23 Nov 2026 at 09:00" (school time).</param>
public sealed record FocusListRow(long Id, string Name, IReadOnlyList<string> Sites, string Updated);

/// <summary>
/// The lesson focus lists page's service: technicians keep named allow-lists ("Year 9 maths") that teachers pick for a
/// lesson. Each site is checked (<see cref="FocusSites"/>); each change goes to the admin audit (<c>focus_list.create</c>,
/// <c>focus_list.update</c>, <c>focus_list.delete</c>).
/// </summary>
internal sealed class FocusListsAdmin(StateStore store, SchoolClock clock, ILogger<FocusListsAdmin> logger)
{
    /// <summary>Audit key: a list saved for the first time.</summary>
    public const string CreateKey = "focus_list.create";

    /// <summary>Audit key: a list's name or sites changed.</summary>
    public const string UpdateKey = "focus_list.update";

    /// <summary>Audit key: a list deleted.</summary>
    public const string DeleteKey = "focus_list.delete";

    public async Task<IReadOnlyList<FocusListRow>?> ListAsync(ConsoleUser? actor, CancellationToken cancellationToken)
        => actor is { IsAdministration: true }
            ? (await store.FocusLists.ListAsync(cancellationToken)).Select(l => new FocusListRow(l.Id, l.Name, l.Domains, Updated(l.UpdatedAt))).ToList()
            : null;

    /// <summary>Why <paramref name="name"/> is not acceptable, or null.</summary>
    public static string? NameProblem(string? name) => AdminValidation.Name(name, "list name");

    /// <summary>Saves a new list (<paramref name="id"/> null) or changes one.</summary>
    public async Task<AdminResult> SaveAsync(ConsoleUser? actor, long? id, string? name, string? sites, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return AdminResult.Refused("Only a technician or administrator can change focus lists.");
        }

        var (domains, problem) = FocusSites.Parse(sites);
        if ((NameProblem(name) ?? problem) is { } refused)
        {
            return AdminResult.Refused(refused);
        }

        var clean = name!.Trim();
        var outcome = id is null
            ? (await store.FocusLists.CreateAsync(clean, domains, actor.Id, cancellationToken)).Outcome
            : await store.FocusLists.UpdateAsync(id.Value, clean, domains, cancellationToken);
        return outcome switch
        {
            FocusListOutcome.Saved => await AuditAsync(actor, id is null ? CreateKey : UpdateKey, clean, string.Join(", ", domains),
                $"{clean} saved with {domains.Count} site{(domains.Count == 1 ? string.Empty : "s")}.", cancellationToken),
            FocusListOutcome.NameTaken => AdminResult.Refused($"There is already a list called {clean}: choose another name."),
            _ => AdminResult.Refused("That list no longer exists."),
        };
    }

    public async Task<AdminResult> DeleteAsync(ConsoleUser? actor, long id, CancellationToken cancellationToken)
    {
        if (actor is not { IsAdministration: true })
        {
            return AdminResult.Refused("Only a technician or administrator can change focus lists.");
        }

        var list = await store.FocusLists.GetAsync(id, cancellationToken);
        if (list is null || !await store.FocusLists.DeleteAsync(id, cancellationToken))
        {
            return AdminResult.Refused("That list no longer exists.");
        }

        return await AuditAsync(actor, DeleteKey, list.Name, string.Join(", ", list.Domains),
            $"{list.Name} deleted. Lessons already focused on it keep their sites until they end.", cancellationToken);
    }

    private string Updated(DateTimeOffset at)
        => "Changed on " + clock.Local(at).ToString("d MMM yyyy 'at' HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<AdminResult> AuditAsync(ConsoleUser actor, string key, string name, string detail, string message, CancellationToken cancellationToken)
    {
        await store.AdminAudit.RecordAsync(actor.Id, key, $"focus list '{name}'", detail, cancellationToken);
        Log.AdminAction(logger, actor.UserName, key, $"focus list '{name}'");
        return AdminResult.Done(message);
    }
}
