using System.Net;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Benchmarks;

/// <summary>
/// The hot path per point: serialising one realistic point (<see cref="Serialize"/>), and serialising plus handing
/// it to a running <see cref="InfluxWriter"/> (<see cref="SerializeAndEnqueue"/>). The writer's loop runs for real
/// (batching, request building) against an in-process handler that answers 204, so only the network is left out.
/// </summary>
[MemoryDiagnoser]
public class PointBenchmarks
{
    private static readonly string SpoolDirectory = Path.Combine(Path.GetTempPath(), "cg-bdn-spool-" + Environment.ProcessId);
    private InfluxConnection? _connection;
    private InfluxWriter? _writer;
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        Workload.Prepare(3000);
        var options = Options.Create(new InfluxOptions
        {
            Url = new Uri("http://127.0.0.1:1"),
            Gzip = false,
            MaxBufferedPoints = 1_000_000,
            SpoolDirectory = SpoolDirectory,
        });
        _connection = new InfluxConnection(options, new NoContentHandler());
        _writer = new InfluxWriter(_connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var stats = _writer!.GetStatistics();
        Console.WriteLine($"// writer: accepted={stats.PointsAccepted} written={stats.PointsWritten} rejected_full={stats.PointsRejectedFull}");
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection!.Dispose();
        if (Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public int Serialize() => Workload.Build(PointBuilder.Create("dns_activity"), _i++).Utf8Line.Length;

    [Benchmark]
    public bool SerializeAndEnqueue() => _writer!.TryWrite(Workload.Build(_writer.CreatePoint("dns_activity"), _i++));

    private sealed class NoContentHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
    }
}
