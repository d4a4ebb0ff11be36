using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Sniffer.Accounting;

/// <summary>
/// Writes the <see cref="DeviceDiscovery"/>'s sightings to the state in one transaction per batch through
/// <see cref="DeviceRepository.ObserveManyAsync"/> (which finds a device by MAC, then by address, and hands an address
/// over from one device to another with the earlier holder kept in the history — never merging two MACs), then reloads
/// the address → device map the points are tagged with. Runs off the capture thread; one writer.
/// </summary>
public sealed class DiscoveryWriter
{
    private readonly DeviceDiscovery _discovery;
    private readonly DeviceMap _map;
    private List<Sighting> _spare = [];

    /// <summary>Creates the writer.</summary>
    public DiscoveryWriter(DeviceDiscovery discovery, DeviceMap map)
    {
        _discovery = discovery;
        _map = map;
    }

    /// <summary>Sightings written to the state.</summary>
    public long Written { get; private set; }

    /// <summary>Sightings lost because the state could not be written (or none is configured).</summary>
    public long Lost { get; private set; }

    /// <summary>
    /// Writes what was queued since the last call, then refreshes the map. Returns the sightings written. Without a state
    /// (<paramref name="store"/> null) the batch is dropped and counted.
    /// </summary>
    /// <exception cref="StateStoreException">The state could not be written; the batch is counted as lost.</exception>
    public async Task<int> WriteBatchAsync(StateStore? store, CancellationToken cancellationToken)
    {
        var batch = _discovery.TakePending(_spare, out var through);
        _spare = batch;
        if (batch.Count == 0)
        {
            _discovery.Progress.OnWritten(through);
            return 0;
        }

        if (store is null)
        {
            Lost += batch.Count;
            _discovery.Progress.OnWritten(through);
            return 0;
        }

        var observations = new List<DeviceObservation>(batch.Count);
        foreach (var sighting in batch)
        {
            if (ToObservation(sighting) is { } observation)
            {
                observations.Add(observation);
            }
        }

        try
        {
            await store.Devices.ObserveManyAsync(observations, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Lost += batch.Count;
            _discovery.Progress.OnWritten(through); // lost: an alert waiting for them need not wait longer
            throw;
        }

        Written += observations.Count;
        _discovery.Progress.OnWritten(through);
        await RefreshMapAsync(store, cancellationToken);
        return observations.Count;
    }

    /// <summary>Reloads which device holds each address (after a batch, and whenever the state's revision changes).</summary>
    public async Task RefreshMapAsync(StateStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        _map.Replace(await store.Devices.ListIpHoldersAsync(cancellationToken));
    }

    private DeviceObservation? ToObservation(in Sighting s)
    {
        // A traffic sighting from a MAC found to be a router after it was queued: keep the address, not the router's MAC.
        var mac = s.Mac == 0 || (s.Kind == SightingKind.Traffic && _discovery.IsRouter(s.Mac)) ? null : new MacAddress(s.Mac).ToString();
        var ip = s.Ip.Version == 0 ? null : s.Ip.ToString();
        if (mac is null && ip is null)
        {
            return null;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(s.TimestampMicroseconds / 1000);
        return new DeviceObservation(at, DeviceSource.Sniffer, mac, ip, s.Hostname);
    }
}
