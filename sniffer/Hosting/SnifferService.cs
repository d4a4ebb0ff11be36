using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Hosting;

/// <summary>
/// Opens the capture at start (so a missing interface, a missing permission or a bad filter stops the host with a message
/// naming it), then decodes on a dedicated thread until stopped, logging counters every
/// <see cref="SnifferOptions.StatisticsInterval"/>. When reading a file, it stops the host at the file's end.
/// </summary>
internal sealed partial class SnifferService(
    IOptions<SnifferOptions> options,
    IEnumerable<IPacketSink> sinks,
    TimeProvider timeProvider,
    SnifferHealthSource health,
    IHostApplicationLifetime lifetime,
    ILogger<SnifferService> logger) : BackgroundService
{
    private IPacketSource? _capture;
    private PacketDecoder? _decoder;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _capture = settings.ReadFile is { Length: > 0 } file
            ? PacketSources.OpenFile(file)
            : PacketCapture.OpenLive(new LiveCaptureSettings
            {
                Interface = settings.Interface!,
                SnapLength = settings.SnapLength,
                BufferSize = settings.BufferSize,
                Promiscuous = settings.Promiscuous,
                ImmediateMode = settings.ImmediateMode,
                ReadTimeout = settings.ReadTimeout,
            });
        try
        {
            _capture.SetFilter(settings.Filter);
        }
        catch
        {
            _capture.Dispose();
            _capture = null;
            throw;
        }

        IPacketSink[] all = [.. sinks];
        CheckSinkOrder(all);
        IPacketSink sink = all.Length == 1 ? all[0] : new CompositePacketSink(all);
        _decoder = new PacketDecoder(sink, new DecoderOptions
        {
            MaxReassemblyFlows = settings.MaxReassemblyFlows,
            MaxClientHelloLength = settings.MaxClientHelloLength,
            ReassemblyTimeout = settings.ReassemblyTimeout,
            MaxQuicDecryptFailuresPerSecond = settings.MaxQuicDecryptFailuresPerSecond,
        });
        health.Attach(_capture);
        Log.CaptureOpened(logger, _capture.Source, _capture.LinkType, _capture.SnapLength, settings.Filter, PacketCapture.Libraries);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        health.Attach(null);
        _capture?.Dispose();
        _decoder?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var capture = _capture!;
        var decoder = _decoder!;
        using var statisticsStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var statistics = LogStatisticsAsync(capture, decoder, statisticsStop.Token);
        try
        {
            await Task.Factory.StartNew(
                () => decoder.DecodeAll(capture, stoppingToken),
                stoppingToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }
        catch (PcapException ex)
        {
            // The host stops when a background service fails; EX_IOERR tells systemd it was not a clean stop.
            Log.CaptureFailed(logger, ex.Message);
            Environment.ExitCode = 74;
            throw;
        }
        finally
        {
            health.Attach(null);
            await statisticsStop.CancelAsync();
            await statistics;
            LogFinalCaptureStatistics(capture);
            var s = decoder.Statistics;
            Log.CaptureEnded(logger, capture.Source, s.Packets, s.Malformed, s.TlsClientHellos, s.Dns, s.Dhcp);
        }

        if (capture.IsFile)
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>
    /// The kernel's counters once more at the end of a live capture, so a stopped service (and the live benchmark) always
    /// reports how many packets the ring dropped, even when it ran for less than one <see cref="SnifferOptions.StatisticsInterval"/>.
    /// </summary>
    private void LogFinalCaptureStatistics(IPacketSource capture)
    {
        if (capture.IsFile)
        {
            return;
        }

        try
        {
            var c = capture.GetStatistics();
            Log.FinalStatistics(logger, capture.Source, c.Received, c.Dropped, c.InterfaceDropped);
        }
        catch (PcapException ex)
        {
            // The interface went away: its counters went with it, and the failure is already logged.
            Log.FinalStatisticsUnavailable(logger, capture.Source, ex.Message);
        }
    }

    private async Task LogStatisticsAsync(IPacketSource capture, PacketDecoder decoder, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatisticsInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var c = capture.GetStatistics();
                Log.Statistics(logger, c.Received, c.Dropped, c.InterfaceDropped, decoder.Statistics.Packets, decoder.Statistics.Malformed);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Device discovery must see each packet before circumvention detection: an attempt is stamped with discovery's
    /// progress as it is queued (<see cref="CircumventionQueue.TryWrite"/>), and only then does that progress cover the
    /// attempt's own packet (whose sighting may be what attributes it). Sinks run in registration order, which only the
    /// order of <c>AddSniffer()</c> and <c>AddCircumventionDetection()</c> in Program.cs fixes: checked here instead of trusted.
    /// </summary>
    /// <exception cref="InvalidOperationException">The detector is registered before discovery.</exception>
    internal static void CheckSinkOrder(IReadOnlyList<IPacketSink> sinks)
    {
        var discovery = -1;
        var detector = -1;
        for (var i = 0; i < sinks.Count; i++)
        {
            discovery = sinks[i] is DeviceDiscovery && discovery < 0 ? i : discovery;
            detector = sinks[i] is CircumventionDetector && detector < 0 ? i : detector;
        }

        if (discovery >= 0 && detector >= 0 && detector < discovery)
        {
            throw new InvalidOperationException("The circumvention detector is registered before device discovery, so alerts could not wait for the device that sent them: call AddSniffer() before AddCircumventionDetection().");
        }
    }
}
