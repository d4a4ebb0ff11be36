using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>The reporter's minute loop, on a manual clock and a writer that is never started (no server needed).</summary>
public sealed class ServiceHealthReporterLoopTests
{
    private sealed class FlakySource : IServiceHealthSource
    {
        private int calls;

        public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Component => "dnsfilter";

        public void ReadTotals(IDictionary<string, long> totals)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                FirstCall.SetResult();
                throw new InvalidOperationException("capture counters unreadable");
            }

            totals["queries"] = 10;
            SecondCall.TrySetResult();
        }
    }

    [Fact]
    public async Task Loop_ReportThrowsOneMinute_LogsAndReportsTheNextMinute()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var client = new InfluxTestClient(new Uri("http://127.0.0.1:9"), "health");
        var source = new FlakySource();
        using var reporter = new ServiceHealthReporter(source, time, client.Writer, new RecordingLogger<ServiceHealthReporter>(client.Logs));
        await reporter.StartAsync(CancellationToken.None);
        // ExecuteAsync runs in the background (.NET 10): wait until its minute timer exists before moving the clock.
        Assert.True(SpinWait.SpinUntil(() => time.PendingDueTimes.Count > 0, TimeSpan.FromSeconds(10)));

        time.Advance(ServiceHealthReporter.Interval);
        await source.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(ServiceHealthReporter.Interval);
        await source.SecondCall.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(reporter.ExecuteTask!.IsCompleted); // still running: the failure did not fault the service
        Assert.Contains(client.Logs, l => l.StartsWith("Error: Writing the dnsfilter service_health point failed", StringComparison.Ordinal));
        await reporter.StopAsync(CancellationToken.None);
        Assert.True(reporter.ExecuteTask.IsCompletedSuccessfully);
    }
}
