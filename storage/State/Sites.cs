using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>A school site (a trust may run one appliance per site or one for several).</summary>
/// <param name="Id">Database id.</param>
/// <param name="Name">Unique name.</param>
public sealed record Site(long Id, string Name);

/// <summary>A room on a site; devices and teacher actions are scoped to rooms.</summary>
/// <param name="Id">Database id.</param>
/// <param name="SiteId">The site.</param>
/// <param name="Name">Name, unique on its site.</param>
public sealed record Room(long Id, long SiteId, string Name);

/// <summary>Sites and rooms.</summary>
public sealed class SiteRepository
{
    private readonly StateDb db;

    internal SiteRepository(StateDb db) => this.db = db;

    /// <summary>Creates a site, or returns the existing one with that name.</summary>
    public Task<Site> CreateSiteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return db.WriteAsync(tx =>
        {
            var id = tx.Long("SELECT id FROM sites WHERE name = $n", ("$n", name.Trim()));
            if (id is null)
            {
                id = tx.Long("INSERT INTO sites (name) VALUES ($n) RETURNING id", ("$n", name.Trim()));
                tx.Changed = true;
            }

            return new Site(id!.Value, name.Trim());
        }, cancellationToken);
    }

    /// <summary>Creates a room on a site, or returns the existing one with that name.</summary>
    public Task<Room> CreateRoomAsync(long siteId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return db.WriteAsync(tx =>
        {
            var id = tx.Long("SELECT id FROM rooms WHERE site_id = $s AND name = $n", ("$s", siteId), ("$n", name.Trim()));
            if (id is null)
            {
                id = tx.Long("INSERT INTO rooms (site_id, name) VALUES ($s, $n) RETURNING id", ("$s", siteId), ("$n", name.Trim()));
                tx.Changed = true;
            }

            return new Room(id!.Value, siteId, name.Trim());
        }, cancellationToken);
    }

    /// <summary>
    /// Removes a room: its devices stay in the inventory without a room, its enrolment tokens stop working (they are
    /// deleted with it), and past teacher actions and incidents keep their own record. False when there is no such room.
    /// </summary>
    public Task<bool> RemoveRoomAsync(long roomId, CancellationToken cancellationToken)
        => db.WriteAsync(tx => tx.Changed = tx.Execute("DELETE FROM rooms WHERE id = $id", ("$id", roomId)) == 1, cancellationToken);

    /// <summary>All sites by name.</summary>
    public Task<IReadOnlyList<Site>> ListSitesAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Site>>(
            tx => tx.Query("SELECT id, name FROM sites ORDER BY name", r => new Site(r.GetInt64(0), r.GetString(1))),
            cancellationToken);

    /// <summary>One room by id, or null when there is none (the live view's per-tick read: one row, not the list).</summary>
    public Task<Room?> GetRoomAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => tx.Query("SELECT id, site_id, name FROM rooms WHERE id = $id", r => new Room(r.GetInt64(0), r.GetInt64(1), r.GetString(2)), ("$id", id))
                .FirstOrDefault(),
            cancellationToken);

    /// <summary>Rooms, optionally of one site, by name.</summary>
    public Task<IReadOnlyList<Room>> ListRoomsAsync(long? siteId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Room>>(
            tx => tx.Query(
                "SELECT id, site_id, name FROM rooms WHERE $s IS NULL OR site_id = $s ORDER BY name",
                r => new Room(r.GetInt64(0), r.GetInt64(1), r.GetString(2)),
                ("$s", siteId)),
            cancellationToken);
}
