using System.Collections.Concurrent;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries.Support;

/// <summary>Builds clients for a test: options with a private spool folder, a recording logger.</summary>
public sealed class InfluxTestClient : IAsyncDisposable
{
    private readonly bool _ownsSpool;

    public InfluxTestClient(Uri url, string database, Action<InfluxOptions>? configure = null, TimeProvider? time = null, string? spoolDirectory = null)
    {
        _ownsSpool = spoolDirectory is null;
        Options = new InfluxOptions
        {
            Url = url,
            Database = database,
            SpoolDirectory = spoolDirectory ?? Path.Combine(Path.GetTempPath(), "cg-spool-" + Guid.NewGuid().ToString("N")[..12]),
            RequestTimeout = TimeSpan.FromSeconds(5),
            FlushInterval = TimeSpan.FromMilliseconds(50),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(Options);
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Connection = new InfluxConnection(wrapped);
        Reader = new InfluxReader(Connection, wrapped);
        Provisioner = new InfluxProvisioner(Connection, Reader, wrapped, new RecordingLogger<InfluxProvisioner>(Logs));
        Writer = new InfluxWriter(Connection, wrapped, new RecordingLogger<InfluxWriter>(Logs), time ?? TimeProvider.System);
    }

    public InfluxOptions Options { get; }

    public InfluxConnection Connection { get; }

    public InfluxReader Reader { get; }

    public InfluxProvisioner Provisioner { get; }

    public InfluxWriter Writer { get; }

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Runs a query with the client under test and returns the single series, or null.</summary>
    public async Task<InfluxSeries?> SeriesAsync(string query)
    {
        var result = await Reader.QueryAsync(query, CancellationToken.None);
        return result.Series.SingleOrDefault();
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        Connection.Dispose();
        if (_ownsSpool && Directory.Exists(Options.SpoolDirectory))
        {
            Directory.Delete(Options.SpoolDirectory, recursive: true);
        }
    }
}

/// <summary>Keeps formatted log lines so tests can check messages are clear (and free of secrets).</summary>
public sealed class RecordingLogger<T>(ConcurrentQueue<string> lines) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
