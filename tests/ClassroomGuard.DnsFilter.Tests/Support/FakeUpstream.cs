using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>What the fake sends back for each query.</summary>
public enum FakeBehaviour
{
    /// <summary>A correct answer (A 203.0.113.7, TTL 300), after <see cref="FakeUpstream.Delay"/>.</summary>
    Answer,
    /// <summary>First a reply with the wrong ID, then one for another question, then the correct answer.</summary>
    WrongThenRight,
    /// <summary>Only replies with wrong IDs: never a usable answer.</summary>
    OnlyWrong,
    /// <summary>Replies with our ID but another question only (an upstream that echoes a different name): alive, never usable.</summary>
    OtherQuestion,
    /// <summary>A correct answer larger than any payload size we advertise, without TC (an upstream ignoring EDNS); no TCP.</summary>
    Oversized,
}

/// <summary>
/// A scripted UDP upstream on loopback. Fake because unbound cannot be made to answer with a wrong ID or a wrong
/// question, and cannot hold an answer back long enough to observe coalescing deterministically.
/// </summary>
public sealed class FakeUpstream : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _queries;

    public FakeUpstream(FakeBehaviour behaviour, TimeSpan delay = default)
    {
        Behaviour = behaviour;
        Delay = delay;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public FakeBehaviour Behaviour { get; }

    public TimeSpan Delay { get; }

    public int Queries => Volatile.Read(ref _queries);

    /// <summary>(ID, source port) of every query received.</summary>
    public ConcurrentQueue<(ushort Id, int Port)> Seen { get; } = new();

    public string Upstream => "127.0.0.1:" + ((IPEndPoint)_socket.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task LoopAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _queries);
            var query = buffer[..received.ReceivedBytes];
            var client = received.RemoteEndPoint;
            Seen.Enqueue((BinaryPrimitives.ReadUInt16BigEndian(query), ((IPEndPoint)client).Port));
            _ = Task.Run(async () =>
            {
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay);
                }

                foreach (var reply in Replies(query))
                {
                    await _socket.SendToAsync(reply, SocketFlags.None, client);
                }
            });
        }
    }

    private IEnumerable<byte[]> Replies(byte[] query)
    {
        var name = new byte[255];
        var info = DnsQuery.Parse(query, name);
        var correct = Answer(query, info, name.AsSpan(0, info.NameLength).ToArray());
        var wrongId = (byte[])correct.Clone();
        wrongId[0] ^= 0x5A;
        switch (Behaviour)
        {
            case FakeBehaviour.WrongThenRight:
                yield return wrongId;
                yield return Answer(query, info, DnsName.FromText("other.example"));
                yield return correct;
                break;
            case FakeBehaviour.OnlyWrong:
                yield return wrongId;
                yield return wrongId;
                break;
            case FakeBehaviour.OtherQuestion:
                yield return Answer(query, info, DnsName.FromText("other.example"));
                break;
            case FakeBehaviour.Oversized:
                yield return Answer(query, info, name.AsSpan(0, info.NameLength).ToArray(), records: 300);
                break;
            default:
                yield return correct;
                break;
        }
    }

    private static byte[] Answer(byte[] query, DnsQueryInfo info, byte[] name, int records = 1)
    {
        var buffer = new byte[8192];
        var writer = DnsQuery.BeginResponse(buffer, info, name, DnsResponseCode.NoError);
        var address = new byte[] { 203, 0, 113, 7 };
        for (var i = 0; i < records; i++)
        {
            address[3] = (byte)(7 + i);
            Assert.True(writer.TryWriteA(DnsSection.Answer, name, 300, address));
        }

        return buffer[..DnsQuery.TryFinishResponse(ref writer, info, DnsResponseCode.NoError, 1232)];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
