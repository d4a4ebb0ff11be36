using Microsoft.Extensions.Logging;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>Log messages of circumvention detection (event ids 100-119, and 220-239 for attribution by the capture's timeline).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Circumvention lists: {Names} names from the UT1 doh/vpn/proxy folders in {Directory} ({Milliseconds:F0} ms)")]
    public static partial void ListsLoaded(ILogger logger, int names, string directory, double milliseconds);

    [LoggerMessage(101, LogLevel.Warning, "Circumvention lists: UT1 folder '{Folder}' is missing from {Directory}; its names are not detected")]
    public static partial void ListFolderMissing(ILogger logger, string folder, string directory);

    [LoggerMessage(102, LogLevel.Warning, "Circumvention lists: Sniffer:Circumvention:Ut1Directory is empty, so DoH, VPN and proxy services are not detected by name")]
    public static partial void ListsDisabled(ILogger logger);

    [LoggerMessage(103, LogLevel.Information, "Circumvention: the appliance's resolver addresses are {Addresses}")]
    public static partial void Addresses(ILogger logger, string addresses);

    [LoggerMessage(104, LogLevel.Information, "Circumvention alert {AlertId} {Kind} from {Client} (device {DeviceId}), {Suppressed} repeats held back before it")]
    public static partial void AlertRaised(ILogger logger, long alertId, string kind, string client, long? deviceId, long suppressed);

    [LoggerMessage(105, LogLevel.Error, "Circumvention alert {Kind} from {Client} could not be written to the state")]
    public static partial void AlertFailed(ILogger logger, string kind, string client, Exception exception);

    [LoggerMessage(106, LogLevel.Information, "Circumvention statistics: detected {Detected}, held back by the rate limit {Suppressed}, alerts {Raised} ({Unattributed} without a device), dropped with the queue full {QueueFull}, failed {Failed}, rate-limit resets {Resets}")]
    public static partial void Statistics(ILogger logger, long detected, long suppressed, long raised, long unattributed, long queueFull, long failed, long resets);

    [LoggerMessage(220, LogLevel.Warning, "Circumvention alerts: device discovery has not written the devices seen up to an attempt within {Timeout}; alerts are attributed with what the state holds until it catches up")]
    public static partial void DiscoveryBehind(ILogger logger, TimeSpan timeout);
}
