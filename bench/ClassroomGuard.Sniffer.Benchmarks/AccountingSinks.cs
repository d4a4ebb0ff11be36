using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Decoding;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Benchmarks;

/// <summary>The sinks the service runs — accounting and device discovery — with their default settings.</summary>
internal sealed class AccountingSinks
{
    public AccountingSinks(bool accountant = true, bool discovery = true)
    {
        var options = Options.Create(new AccountingOptions());
        Accountant = new TrafficAccountant(options);
        Discovery = new DeviceDiscovery(options);
        Flusher = new NetActivityFlusher(Accountant, new DeviceMap());
        Sink = new CompositePacketSink(new IPacketSink[] { Accountant, Discovery }.Where((_, i) => i == 0 ? accountant : discovery));
    }

    public TrafficAccountant Accountant { get; }

    public DeviceDiscovery Discovery { get; }

    public NetActivityFlusher Flusher { get; }

    public IPacketSink Sink { get; }
}
