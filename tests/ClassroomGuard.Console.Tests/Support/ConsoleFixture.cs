using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>
/// One console per test class (starting one costs about a second): tests share it and use their own user
/// names, so they do not see each other's state. InfluxDB is a dead loopback port: these tests do not need it.
/// </summary>
public sealed class ConsoleFixture : IAsyncDisposable
{
    internal ConsoleFactory Factory { get; } = new(new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}"));

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
