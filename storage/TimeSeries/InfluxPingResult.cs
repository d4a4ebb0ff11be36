namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>The answer to <see cref="InfluxConnection.PingAsync"/>.</summary>
/// <param name="IsHealthy">Whether InfluxDB answered <c>/ping</c> with success.</param>
/// <param name="Version">The server's <c>X-Influxdb-Version</c> header, if it sent one.</param>
/// <param name="Error">Why the ping failed (naming the address and cause), or <see langword="null"/>.</param>
public readonly record struct InfluxPingResult(bool IsHealthy, string? Version, string? Error);
