namespace ClassroomGuard.Sniffer.Decoding.Internal;

/// <summary>One direction of a TCP connection.</summary>
internal readonly record struct FlowKey(NetAddress Source, NetAddress Destination, ushort SourcePort, ushort DestinationPort);
