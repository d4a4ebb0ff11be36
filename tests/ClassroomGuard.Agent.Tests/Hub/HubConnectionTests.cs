using ClassroomGuard.Agent.Hub;
using ClassroomGuard.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Agent.Tests.Hub;

public sealed class HubConnectionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task HandshakeAsync_ServerAccepts_SendsJsonVersion1()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);

        var handshake = hub.HandshakeAsync(CancellationToken.None);
        Assert.Equal("{\"protocol\":\"json\",\"version\":1}\u001e", await pair.ServerReceiveAsync());
        await pair.ServerSendAsync("{}\u001e");
        await handshake.WaitAsync(Wait);
    }

    [Fact]
    public async Task HandshakeAsync_ServerRefuses_Throws()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);

        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        await pair.ServerSendAsync("{\"error\":\"nope\"}\u001e");

        await Assert.ThrowsAsync<HubProtocolException>(() => handshake.WaitAsync(Wait));
    }

    [Fact]
    public async Task RunAsync_RecordsSplitAcrossMessagesWithUnknownTypes_DeliversInvocationsInOrderAndCountsUnknown()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);
        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        // The handshake answer and the first invocation share one message; the second invocation is split in three.
        await pair.ServerSendAsync("{}\u001e{\"type\":1,\"target\":\"Blank\",\"arguments\":[\"a\",\"2030-01-01T00:00:00Z\"]}\u001e{\"type\":2,\"invocationId\":\"1\",\"item\":1}\u001e{\"type\":1,\"tar");
        await handshake.WaitAsync(Wait);
        var received = new List<string>();
        var run = hub.RunAsync((m, _) => { received.Add(m.Target); return Task.CompletedTask; }, CancellationToken.None);
        await pair.ServerSendAsync("get\":\"Unbl");
        await pair.ServerSendAsync("ank\",\"arguments\":[]}\u001e{\"type\":6}\u001e{\"type\":42}\u001e");
        await pair.ServerSendAsync("{\"type\":7,\"error\":\"restarting\",\"allowReconnect\":true}\u001e");

        var close = await run.WaitAsync(Wait);

        Assert.Equal(["Blank", "Unblank"], received);
        Assert.Equal(2, hub.IgnoredMessages);
        Assert.Equal(("restarting", true), (close!.Error, close.AllowReconnect));
    }

    [Fact]
    public async Task RunAsync_InvocationExpectingResult_AnswersCompletionErrorAndStillDelivers()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);
        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        await pair.ServerSendAsync("{}\u001e{\"type\":1,\"invocationId\":\"5\",\"target\":\"Unblank\",\"arguments\":[]}\u001e");
        await handshake.WaitAsync(Wait);
        var delivered = 0;
        var run = hub.RunAsync((_, _) => { delivered++; return Task.CompletedTask; }, CancellationToken.None);

        var answer = await pair.ServerReceiveAsync().WaitAsync(Wait);
        await pair.ServerSendAsync("{\"type\":7}\u001e");
        await run.WaitAsync(Wait);

        Assert.StartsWith("{\"type\":3,\"invocationId\":\"5\",\"error\":", answer, StringComparison.Ordinal);
        Assert.Equal(1, delivered);
    }

    [Fact]
    public async Task RunAsync_MalformedRecord_ThrowsProtocolException()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);
        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        await pair.ServerSendAsync("{}\u001e{\"type\":1,\"target\":5}\u001e");
        await handshake.WaitAsync(Wait);

        await Assert.ThrowsAsync<HubProtocolException>(() => hub.RunAsync((_, _) => Task.CompletedTask, CancellationToken.None).WaitAsync(Wait));
    }

    [Fact]
    public async Task RunAsync_ServerSilent_TimesOut()
    {
        using var pair = await WebSocketPair.CreateAsync();
        var options = new HubConnectionOptions { ServerTimeout = TimeSpan.FromMilliseconds(300), KeepAliveInterval = TimeSpan.FromMilliseconds(100) };
        await using var hub = new HubConnection(pair.Client, options, TimeProvider.System, NullLogger.Instance);
        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        await pair.ServerSendAsync("{}\u001e");
        await handshake.WaitAsync(Wait);

        await Assert.ThrowsAsync<TimeoutException>(() => hub.RunAsync((_, _) => Task.CompletedTask, CancellationToken.None).WaitAsync(Wait));
        Assert.Equal("{\"type\":6}\u001e", await pair.ServerReceiveAsync()); // it kept pinging meanwhile
    }

    [Fact]
    public async Task RunAsync_SocketClosedWithoutCloseMessage_ReturnsNull()
    {
        using var pair = await WebSocketPair.CreateAsync();
        await using var hub = new HubConnection(pair.Client, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance);
        var handshake = hub.HandshakeAsync(CancellationToken.None);
        await pair.ServerReceiveAsync();
        await pair.ServerSendAsync("{}\u001e");
        await handshake.WaitAsync(Wait);

        var run = hub.RunAsync((_, _) => Task.CompletedTask, CancellationToken.None);
        await pair.Server.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.Null(await run.WaitAsync(Wait));
    }
}
