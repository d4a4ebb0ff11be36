using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>Minimal raw client for tests that need exact bytes (dig cannot send garbage).</summary>
public static class DnsClient
{
    public static byte[] BuildQuery(ushort id, string name, DnsRecordType type, bool edns = true, ushort bufsize = 1232, DnsClass @class = DnsClass.IN)
    {
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer)
        {
            Id = id,
            Flags = DnsHeader.MakeFlags(false, DnsOpCode.Query, DnsHeader.FlagRecursionDesired, DnsResponseCode.NoError),
        };
        Assert.True(writer.TryWriteQuestion(DnsName.FromText(name), (ushort)type, (ushort)@class));
        if (edns)
        {
            Assert.True(writer.TryWriteOpt(bufsize, dnssecOk: false));
        }

        Assert.True(writer.Complete());
        return buffer[..writer.Position];
    }

    /// <summary>A query for a name already in wire form (any bytes in its labels, which text names cannot carry).</summary>
    public static byte[] BuildQuery(ushort id, ReadOnlySpan<byte> wireName, DnsRecordType type)
    {
        var buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer)
        {
            Id = id,
            Flags = DnsHeader.MakeFlags(false, DnsOpCode.Query, DnsHeader.FlagRecursionDesired, DnsResponseCode.NoError),
        };
        Assert.True(writer.TryWriteQuestion(wireName, (ushort)type, (ushort)DnsClass.IN));
        Assert.True(writer.TryWriteOpt(1232, dnssecOk: false));
        Assert.True(writer.Complete());
        return buffer[..writer.Position];
    }

    public static async Task<byte[]?> UdpAsync(IPEndPoint server, byte[] query, int timeoutMs = 3000)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        await socket.SendAsync(query, SocketFlags.None);
        var buffer = new byte[65535];
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return buffer[..n];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>Reads one length-prefixed message; null at end of stream.</summary>
    public static async Task<byte[]?> ReadFramedAsync(Socket socket, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        if (!await ReadExactlyAsync(socket, prefix, cancellationToken))
        {
            return null;
        }

        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        return await ReadExactlyAsync(socket, body, cancellationToken) ? body : null;
    }

    public static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }

    /// <summary>Waits until the server closes the connection (true) or the wait gives up (false). Not a timing assertion.</summary>
    public static async Task<bool> WaitForCloseAsync(Socket socket, TimeSpan giveUpAfter)
    {
        using var cts = new CancellationTokenSource(giveUpAfter);
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true; // reset counts as closed
        }
    }

    public static DnsResponseCode ResponseCode(byte[] response)
    {
        Assert.True(DnsHeader.TryRead(response, out var header));
        return header.ResponseCode;
    }
}
