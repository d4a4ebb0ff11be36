namespace ClassroomGuard.Storage.State;

/// <summary>A device on the school network.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Hostname">Last hostname seen (DHCP, mDNS, agent), if any.</param>
/// <param name="RoomId">Room it is in, if known.</param>
/// <param name="GroupId">Filtering group assigned to this device through change control, if any.</param>
/// <param name="DisplayName">Pupil or user name reported by the agent, if any.</param>
/// <param name="Source">How it first became known.</param>
/// <param name="FirstSeen">First seen.</param>
/// <param name="LastSeen">Last seen.</param>
/// <param name="Macs">Its MAC addresses (lower-case, colon-separated).</param>
/// <param name="Ips">The IP addresses it holds now.</param>
public sealed record Device(
    long Id,
    string? Hostname,
    long? RoomId,
    long? GroupId,
    string? DisplayName,
    DeviceSource Source,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Macs,
    IReadOnlyList<string> Ips);

/// <summary>One sighting of a device, from the sniffer, the agent or a technician.</summary>
/// <param name="At">When it was seen.</param>
/// <param name="Source">Who saw it.</param>
/// <param name="Mac">MAC address, if known (identifies the device best).</param>
/// <param name="Ip">IP address it used, if known.</param>
/// <param name="Hostname">Hostname, if known.</param>
/// <param name="DisplayName">Signed-in pupil or user name (agent only).</param>
public sealed record DeviceObservation(
    DateTimeOffset At,
    DeviceSource Source,
    string? Mac = null,
    string? Ip = null,
    string? Hostname = null,
    string? DisplayName = null);

/// <summary>A period during which an IP address belonged to a device.</summary>
/// <param name="Ip">The address.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period; null while it still holds the address.</param>
public sealed record IpAssignment(string Ip, long DeviceId, DateTimeOffset From, DateTimeOffset? To);

/// <summary>An address and the device that holds it now.</summary>
/// <param name="Ip">The address (canonical text).</param>
/// <param name="DeviceId">The device.</param>
/// <param name="RoomId">The device's room, if any.</param>
public sealed record IpHolder(string Ip, long DeviceId, long? RoomId);

/// <summary>How a device list is ordered.</summary>
public enum DeviceSort
{
    /// <summary>By hostname (or signed-in user when there is none); unnamed devices last.</summary>
    Name,

    /// <summary>By when it was last seen.</summary>
    LastSeen,

    /// <summary>By room name; devices without a room last.</summary>
    Room,
}

/// <summary>Which devices to read, one page at a time.</summary>
/// <param name="Search">Part of a name, signed-in user, MAC or IP address; null or blank matches every device.</param>
/// <param name="RoomId">Only devices in this room.</param>
/// <param name="WithoutRoomOnly">Only devices in no room.</param>
/// <param name="Sort">Order.</param>
/// <param name="Descending">Reverse the order.</param>
/// <param name="Offset">Devices to skip (paging).</param>
/// <param name="Limit">Most devices to return (at least 1).</param>
public sealed record DeviceQuery(
    string? Search = null,
    long? RoomId = null,
    bool WithoutRoomOnly = false,
    DeviceSort Sort = DeviceSort.Name,
    bool Descending = false,
    int Offset = 0,
    int Limit = 50);

/// <summary>One page of devices.</summary>
/// <param name="Devices">The devices of this page.</param>
/// <param name="Total">How many devices match in all pages.</param>
public sealed record DevicePage(IReadOnlyList<Device> Devices, int Total);
