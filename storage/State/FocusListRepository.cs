using System.Text.Json;
using ClassroomGuard.Storage.State.Internal;
using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Saved lesson-focus allow-lists that technicians keep and teachers pick from. A focus teacher action copies the
/// domains when it starts (see <see cref="TeacherActionRepository"/>), so a list edited later changes no running lesson.
/// </summary>
public sealed class FocusListRepository
{
    /// <summary>Most domains a list may hold (a lesson needs a few sites; the DNS filter checks each per query).</summary>
    public const int MaxDomains = 50;

    /// <summary>Longest list name.</summary>
    public const int MaxNameLength = 64;

    private readonly StateDb db;

    internal FocusListRepository(StateDb db) => this.db = db;

    /// <summary>Saves a new list.</summary>
    /// <exception cref="ArgumentException">An empty or over-long name, no domains, more than <see cref="MaxDomains"/>, or a name that is not a domain.</exception>
    public Task<(FocusListOutcome Outcome, FocusList? List)> CreateAsync(string name, IReadOnlyList<string> domains, long userId, CancellationToken cancellationToken)
    {
        var (clean, json) = Check(name, domains);
        return db.WriteAsync<(FocusListOutcome, FocusList?)>(tx =>
        {
            if (tx.Long("SELECT id FROM focus_lists WHERE name = $n", ("$n", clean)) is not null)
            {
                return (FocusListOutcome.NameTaken, null);
            }

            var id = tx.Long(
                "INSERT INTO focus_lists (name, domains, created_by, updated_at) VALUES ($n, $d, $u, $now) RETURNING id",
                ("$n", clean), ("$d", json), ("$u", userId), ("$now", tx.Now))!.Value;
            tx.Changed = true;
            return (FocusListOutcome.Saved, Load(tx, "id = $id", ("$id", id))[0]);
        }, cancellationToken);
    }

    /// <summary>Replaces a list's name and domains.</summary>
    /// <exception cref="ArgumentException">As for <see cref="CreateAsync"/>.</exception>
    public Task<FocusListOutcome> UpdateAsync(long id, string name, IReadOnlyList<string> domains, CancellationToken cancellationToken)
    {
        var (clean, json) = Check(name, domains);
        return db.WriteAsync(tx =>
        {
            if (tx.Long("SELECT id FROM focus_lists WHERE name = $n AND id <> $id", ("$n", clean), ("$id", id)) is not null)
            {
                return FocusListOutcome.NameTaken;
            }

            var updated = tx.Execute("UPDATE focus_lists SET name = $n, domains = $d, updated_at = $now WHERE id = $id", ("$n", clean), ("$d", json), ("$now", tx.Now), ("$id", id));
            tx.Changed = updated == 1;
            return updated == 1 ? FocusListOutcome.Saved : FocusListOutcome.NotFound;
        }, cancellationToken);
    }

    /// <summary>Deletes a list; false when there was none.</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
        => db.WriteAsync(tx => tx.Changed = tx.Execute("DELETE FROM focus_lists WHERE id = $id", ("$id", id)) == 1, cancellationToken);

    /// <summary>The list, or null.</summary>
    public Task<FocusList?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, "id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>Every list, by name.</summary>
    public Task<IReadOnlyList<FocusList>> ListAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<FocusList>>(tx => Load(tx, "1 = 1"), cancellationToken);

    private static (string Name, string Json) Check(string name, IReadOnlyList<string> domains)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(domains);
        var clean = name.Trim();
        if (clean.Length > MaxNameLength)
        {
            throw new ArgumentException($"A focus list name is at most {MaxNameLength} characters.", nameof(name));
        }

        var list = domains.Select(d => Normalize.Domain(d) ?? throw new ArgumentException($"'{d}' is not a domain name.", nameof(domains))).Distinct().ToList();
        if (list.Count is 0 or > MaxDomains)
        {
            throw new ArgumentException($"A focus list holds 1 to {MaxDomains} domains.", nameof(domains));
        }

        return (clean, JsonSerializer.Serialize(list));
    }

    private static List<FocusList> Load(Tx tx, string where, params (string, object?)[] args)
        => tx.Query($"SELECT id, name, domains, created_by, updated_at FROM focus_lists WHERE {where} ORDER BY name COLLATE NOCASE, id", Read, args);

    private static FocusList Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), JsonSerializer.Deserialize<List<string>>(r.GetString(2)) ?? [], r.GetInt64(3), Sql.Time(r, 4));
}
