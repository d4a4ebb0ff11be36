namespace ClassroomGuard.Storage.Tests.TimeSeries.Support;

/// <summary>One influxd shared by the tests of the <see cref="InfluxdCollection"/>; each test uses its own database.</summary>
public sealed class InfluxdFixture : IAsyncLifetime
{
    private InfluxdServer? _server;
    private int _databases;

    public InfluxdServer Server => _server ?? throw new InvalidOperationException("influxd is not started.");

    /// <summary>A database name no other test uses.</summary>
    public string NewDatabase(string prefix) => $"{prefix}_{Interlocked.Increment(ref _databases)}";

    public async Task InitializeAsync() => _server = await InfluxdServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Every test that talks to influxd runs in this collection, one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class InfluxdCollection : ICollectionFixture<InfluxdFixture>
{
    public const string Name = "influxd";
}
