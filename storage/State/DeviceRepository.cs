using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// Device inventory. Observations find a device by MAC (then by IP when no MAC is known), create it
/// when new, and move an IP to it when the address changed hands, keeping the earlier holder in the
/// history. Only material changes (new device, new MAC, IP moved, name or room changed) bump the
/// revision; a sighting that only refreshes last-seen does not wake every watcher.
/// </summary>
public sealed class DeviceRepository
{
    private const string Columns = "d.id, d.hostname, d.room_id, d.group_id, d.display_name, d.source, d.first_seen, d.last_seen";
    private readonly StateDb db;

    internal DeviceRepository(StateDb db) => this.db = db;

    /// <summary>Records one sighting and returns the device's id.</summary>
    /// <exception cref="ArgumentException">Neither a valid MAC nor a valid IP was given.</exception>
    public Task<long> ObserveAsync(DeviceObservation observation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return db.WriteAsync(tx => Observe(tx, observation), cancellationToken);
    }

    /// <summary>Records many sightings in one transaction (the sniffer's batch); returns the device ids in order.</summary>
    public Task<IReadOnlyList<long>> ObserveManyAsync(IReadOnlyList<DeviceObservation> observations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return db.WriteAsync<IReadOnlyList<long>>(tx => observations.Select(o => Observe(tx, o)).ToList(), cancellationToken);
    }

    /// <summary>The device, or null.</summary>
    public Task<Device?> GetAsync(long id, CancellationToken cancellationToken)
        => db.ReadAsync(tx => Load(tx, $"SELECT {Columns} FROM devices d WHERE d.id = $id", ("$id", id)).FirstOrDefault(), cancellationToken);

    /// <summary>The device that holds <paramref name="ip"/> now, or null.</summary>
    public Task<Device?> FindByIpAsync(string ip, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => Load(tx, $"SELECT {Columns} FROM devices d JOIN device_ips i ON i.device_id = d.id WHERE i.ip = $ip", ("$ip", Normalize.Ip(ip))).FirstOrDefault(),
            cancellationToken);

    /// <summary>The device with MAC <paramref name="mac"/>, or null.</summary>
    public Task<Device?> FindByMacAsync(string mac, CancellationToken cancellationToken)
        => db.ReadAsync(
            tx => Load(tx, $"SELECT {Columns} FROM devices d JOIN device_macs m ON m.device_id = d.id WHERE m.mac = $mac", ("$mac", Normalize.Mac(mac))).FirstOrDefault(),
            cancellationToken);

    /// <summary>
    /// Every address held now with its device and room, in one query: what the sniffer tags its per-second points with
    /// (cheaper than <see cref="ListAsync"/>, which reads each device's MACs and IPs separately).
    /// </summary>
    public Task<IReadOnlyList<IpHolder>> ListIpHoldersAsync(CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<IpHolder>>(
            tx => tx.Query("SELECT i.ip, d.id, d.room_id FROM device_ips i JOIN devices d ON d.id = i.device_id", r => new IpHolder(r.GetString(0), r.GetInt64(1), Sql.LongOrNull(r, 2))),
            cancellationToken);

    /// <summary>Devices, optionally only those in one room.</summary>
    public Task<IReadOnlyList<Device>> ListAsync(long? roomId, CancellationToken cancellationToken)
        => db.ReadAsync<IReadOnlyList<Device>>(
            tx => Load(tx, $"SELECT {Columns} FROM devices d WHERE $room IS NULL OR d.room_id = $room ORDER BY d.id", ("$room", roomId)),
            cancellationToken);

    /// <summary>
    /// One page of devices matching <paramref name="query"/>, with the number that match in all: the console's device
    /// grid pages on the server, so a school with thousands of BYOD sightings never loads them all. The search matches
    /// part of the name, the signed-in user, a MAC or an IP address.
    /// </summary>
    public Task<DevicePage> QueryAsync(DeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        const string Where = """
            WHERE ($room IS NULL OR d.room_id = $room)
              AND ($noroom = 0 OR d.room_id IS NULL)
              AND ($like IS NULL
                   OR d.hostname LIKE $like ESCAPE '\' OR d.display_name LIKE $like ESCAPE '\'
                   OR EXISTS (SELECT 1 FROM device_macs m WHERE m.device_id = d.id AND m.mac LIKE $like ESCAPE '\')
                   OR EXISTS (SELECT 1 FROM device_ips i WHERE i.device_id = d.id AND i.ip LIKE $like ESCAPE '\'))
            """;
        var search = query.Search?.Trim();
        var like = string.IsNullOrEmpty(search)
            ? null
            : "%" + search.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        (string, object?)[] args = [("$room", query.RoomId), ("$noroom", query.WithoutRoomOnly ? 1 : 0), ("$like", like)];
        var direction = query.Descending ? "DESC" : "ASC";

        // Unnamed devices sort after named ones whichever the direction; the id breaks ties so pages never overlap.
        var order = query.Sort switch
        {
            DeviceSort.LastSeen => $"d.last_seen {direction}, d.id",
            DeviceSort.Room => $"r.name IS NULL, r.name COLLATE NOCASE {direction}, d.id",
            _ => $"coalesce(d.hostname, d.display_name) IS NULL, coalesce(d.hostname, d.display_name) COLLATE NOCASE {direction}, d.id",
        };
        return db.ReadAsync(tx =>
        {
            var total = tx.Long($"SELECT count(*) FROM devices d {Where}", args) ?? 0;
            var devices = Load(
                tx,
                $"SELECT {Columns} FROM devices d LEFT JOIN rooms r ON r.id = d.room_id {Where} ORDER BY {order} LIMIT $l OFFSET $o",
                [.. args, ("$l", query.Limit), ("$o", query.Offset)]);
            return new DevicePage(devices, (int)total);
        }, cancellationToken);
    }

    /// <summary>Puts a device in a room (inventory; not filtering policy). Returns false when the device does not exist.</summary>
    public Task<bool> SetRoomAsync(long deviceId, long? roomId, CancellationToken cancellationToken)
        => db.WriteAsync(
            tx => tx.Changed = tx.Execute("UPDATE devices SET room_id = $r WHERE id = $id", ("$r", roomId), ("$id", deviceId)) == 1,
            cancellationToken);

    /// <summary>Who held <paramref name="ip"/> at <paramref name="at"/>: attribution of a past block or alert.</summary>
    public Task<long?> DeviceForIpAtAsync(string ip, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var normalized = Normalize.Ip(ip);
        var ms = Sql.Ms(at);
        return db.ReadAsync(
            tx => tx.Long("SELECT device_id FROM device_ips WHERE ip = $ip AND since <= $at", ("$ip", normalized), ("$at", ms))
                  ?? tx.Long("SELECT device_id FROM device_ip_history WHERE ip = $ip AND from_time <= $at AND to_time > $at ORDER BY to_time DESC LIMIT 1", ("$ip", normalized), ("$at", ms)),
            cancellationToken);
    }

    /// <summary>Every assignment of <paramref name="ip"/> still on record, newest first.</summary>
    public Task<IReadOnlyList<IpAssignment>> GetIpHistoryAsync(string ip, CancellationToken cancellationToken)
    {
        var normalized = Normalize.Ip(ip);
        return db.ReadAsync<IReadOnlyList<IpAssignment>>(tx =>
        {
            var list = tx.Query("SELECT ip, device_id, since FROM device_ips WHERE ip = $ip", r => new IpAssignment(r.GetString(0), r.GetInt64(1), Sql.Time(r, 2), null), ("$ip", normalized));
            list.AddRange(tx.Query(
                "SELECT ip, device_id, from_time, to_time FROM device_ip_history WHERE ip = $ip ORDER BY to_time DESC",
                r => new IpAssignment(r.GetString(0), r.GetInt64(1), Sql.Time(r, 2), Sql.Time(r, 3)),
                ("$ip", normalized)));
            return list;
        }, cancellationToken);
    }

    internal static long Observe(Tx tx, DeviceObservation o)
    {
        var mac = Normalize.Mac(o.Mac);
        var ip = Normalize.Ip(o.Ip);
        if (mac is null && ip is null)
        {
            throw new ArgumentException("A device observation needs a valid MAC or IP address.", nameof(o));
        }

        var at = Sql.Ms(o.At);
        long? id = mac is null ? null : tx.Long("SELECT device_id FROM device_macs WHERE mac = $m", ("$m", mac));
        if (id is null && mac is null)
        {
            id = tx.Long("SELECT device_id FROM device_ips WHERE ip = $ip", ("$ip", ip));
        }

        if (id is null)
        {
            id = tx.Long(
                "INSERT INTO devices (hostname, display_name, source, first_seen, last_seen) VALUES ($h, $d, $s, $at, $at) RETURNING id",
                ("$h", o.Hostname), ("$d", o.DisplayName), ("$s", EnumText.Lower(o.Source)), ("$at", at));
            tx.Changed = true;
        }
        else
        {
            var renamed = tx.Execute(
                "UPDATE devices SET hostname = coalesce($h, hostname), display_name = coalesce($d, display_name) WHERE id = $id AND (coalesce($h, hostname) IS NOT hostname OR coalesce($d, display_name) IS NOT display_name)",
                ("$h", o.Hostname), ("$d", o.DisplayName), ("$id", id));
            tx.Changed |= renamed > 0;
            tx.Execute("UPDATE devices SET last_seen = max(last_seen, $at) WHERE id = $id", ("$at", at), ("$id", id));
        }

        if (mac is not null)
        {
            var added = tx.Execute("INSERT INTO device_macs (mac, device_id, first_seen, last_seen) VALUES ($m, $id, $at, $at) ON CONFLICT (mac) DO NOTHING", ("$m", mac), ("$id", id), ("$at", at));
            tx.Changed |= added > 0;
            tx.Execute("UPDATE device_macs SET last_seen = max(last_seen, $at) WHERE mac = $m", ("$m", mac), ("$at", at));
        }

        if (ip is not null)
        {
            ObserveIp(tx, ip, id!.Value, at);
        }

        return id!.Value;
    }

    private static void ObserveIp(Tx tx, string ip, long deviceId, long at)
    {
        var holder = tx.Query("SELECT device_id, since FROM device_ips WHERE ip = $ip", r => (Device: r.GetInt64(0), Since: r.GetInt64(1)), ("$ip", ip));
        if (holder.Count == 0)
        {
            tx.Execute("INSERT INTO device_ips (ip, device_id, since, last_seen) VALUES ($ip, $id, $at, $at)", ("$ip", ip), ("$id", deviceId), ("$at", at));
            tx.Changed = true;
        }
        else if (holder[0].Device == deviceId)
        {
            tx.Execute("UPDATE device_ips SET last_seen = max(last_seen, $at) WHERE ip = $ip", ("$ip", ip), ("$at", at));
        }
        else
        {
            // The address changed hands (DHCP): close the previous holder's period, hand it over.
            tx.Execute(
                "INSERT INTO device_ip_history (ip, device_id, from_time, to_time) VALUES ($ip, $old, $since, $at)",
                ("$ip", ip), ("$old", holder[0].Device), ("$since", holder[0].Since), ("$at", Math.Max(at, holder[0].Since)));
            tx.Execute("UPDATE device_ips SET device_id = $id, since = $at, last_seen = $at WHERE ip = $ip", ("$ip", ip), ("$id", deviceId), ("$at", at));
            tx.Changed = true;
        }
    }

    private static List<Device> Load(Tx tx, string sql, params (string, object?)[] args)
    {
        var rows = tx.Query(sql, r => (
            Id: r.GetInt64(0), Hostname: Sql.StringOrNull(r, 1), Room: Sql.LongOrNull(r, 2), Group: Sql.LongOrNull(r, 3),
            Display: Sql.StringOrNull(r, 4), Source: EnumText.Parse<DeviceSource>(r.GetString(5)), First: Sql.Time(r, 6), Last: Sql.Time(r, 7)), args);
        var list = new List<Device>(rows.Count);
        foreach (var d in rows)
        {
            var macs = tx.Query("SELECT mac FROM device_macs WHERE device_id = $id ORDER BY mac", r => r.GetString(0), ("$id", d.Id));
            var ips = tx.Query("SELECT ip FROM device_ips WHERE device_id = $id ORDER BY ip", r => r.GetString(0), ("$id", d.Id));
            list.Add(new Device(d.Id, d.Hostname, d.Room, d.Group, d.Display, d.Source, d.First, d.Last, macs, ips));
        }

        return list;
    }
}
