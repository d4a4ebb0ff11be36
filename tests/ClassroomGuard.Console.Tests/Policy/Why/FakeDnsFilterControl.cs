using System.Net.Sockets;
using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Tests.Policy.Why;

/// <summary>
/// A stand-in for the DNS filter's control socket (the console test project does not start the filter; the browser tests
/// ask the real one): listens on a Unix socket, records each request and answers with the reply the test set.
/// </summary>
internal sealed class FakeDnsFilterControl : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeDnsFilterControl(string path, Func<ControlRequest, byte[]> answer)
    {
        Path = path;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
        _loop = Task.Run(() => LoopAsync(answer));
    }

    public string Path { get; }

    public List<ControlRequest> Requests { get; } = [];

    public static FakeDnsFilterControl Replying(string path, ControlReply reply) => new(path, _ => DnsFilterControl.Encode(reply));

    private async Task LoopAsync(Func<ControlRequest, byte[]> answer)
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptAsync(_stop.Token);
                var buffer = new byte[DnsFilterControl.MaxRequestBytes + 1];
                var length = 0;
                int read;
                while ((read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token)) > 0)
                {
                    length += read;
                }

                var request = DnsFilterControl.DecodeRequest(buffer.AsSpan(0, length), out _)!;
                lock (Requests)
                {
                    Requests.Add(request);
                }

                await client.SendAsync(answer(request), SocketFlags.None, _stop.Token);
                client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
        File.Delete(Path);
    }
}
