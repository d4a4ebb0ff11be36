using ClassroomGuard.Sniffer.Decoding;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// One attempt that passed the rate limit, on its way from the capture thread to the state. Made only when an alert is
/// due (its strings are allocated then, never per packet).
/// </summary>
/// <param name="TimestampMicroseconds">Capture time of the packet, µs since the Unix epoch.</param>
/// <param name="Kind">What was detected.</param>
/// <param name="Client">The school device's address.</param>
/// <param name="ClientMac">Its source MAC as captured (a router's MAC when the device is behind one).</param>
/// <param name="Server">Where it was going.</param>
/// <param name="ServerPort">Destination port (0 for ESP).</param>
/// <param name="Protocol">IP protocol: 6 TCP, 17 UDP, 50 ESP.</param>
/// <param name="Detail">What was seen, a constant (e.g. <c>TLS ClientHello</c>, <c>P_CONTROL_HARD_RESET_CLIENT_V2</c>).</param>
/// <param name="Domain">Server name, HTTP Host or DNS question, when there is one.</param>
/// <param name="ListedName">The UT1 entry that matched <paramref name="Domain"/> (itself or a parent), for list detections.</param>
/// <param name="Suppressed">Attempts of the same address, kind and name not alerted since the previous alert.</param>
/// <param name="DiscoverySequence">Device discovery's <c>Queued</c> count when the attempt was queued (0: not known).</param>
public readonly record struct CircumventionAttempt(
    long TimestampMicroseconds,
    CircumventionKind Kind,
    NetAddress Client,
    MacAddress ClientMac,
    NetAddress Server,
    ushort ServerPort,
    byte Protocol,
    string Detail,
    string? Domain,
    string? ListedName,
    long Suppressed,
    long DiscoverySequence = 0)
{
    /// <summary>The capture time.</summary>
    public DateTimeOffset At => DateTimeOffset.UnixEpoch.AddTicks(TimestampMicroseconds * 10);
}
