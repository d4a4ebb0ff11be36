using System.Net;
using ClassroomGuard.Sniffer.Accounting.Internal;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>A device in the state and its room, as the per-second points are tagged.</summary>
/// <param name="DeviceId">The state's device id.</param>
/// <param name="RoomId">Its room, if any.</param>
public readonly record struct DeviceTag(long DeviceId, long? RoomId);

/// <summary>
/// Which device (and room) holds each local address, as the state says. Replaced whole (an immutable dictionary swapped
/// in) when the state's revision changes and after each batch of sightings; read by the flusher, never by the capture
/// thread.
/// </summary>
public sealed class DeviceMap
{
    private volatile Dictionary<AddressKey, DeviceTag> _map = [];

    /// <summary>Addresses known.</summary>
    public int Count => _map.Count;

    /// <summary>The device holding <paramref name="address"/>, if the state knows one.</summary>
    public bool TryGet(in NetAddress address, out DeviceTag device) => _map.TryGetValue(new AddressKey(address), out device);

    /// <summary>Puts <paramref name="holders"/> in force (addresses that do not parse are skipped).</summary>
    public void Replace(IEnumerable<IpHolder> holders)
    {
        ArgumentNullException.ThrowIfNull(holders);
        var map = new Dictionary<AddressKey, DeviceTag>();
        foreach (var holder in holders)
        {
            if (IPAddress.TryParse(holder.Ip, out var ip))
            {
                map[new AddressKey(NetAddress.FromIPAddress(ip))] = new DeviceTag(holder.DeviceId, holder.RoomId);
            }
        }

        _map = map;
    }
}
