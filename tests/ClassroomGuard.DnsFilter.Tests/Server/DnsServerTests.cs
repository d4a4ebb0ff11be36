using System.Net;
using System.Net.Sockets;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Dns.Tests.Support;
using ClassroomGuard.DnsFilter.Tests.Support;

namespace ClassroomGuard.DnsFilter.Tests.Server;

/// <summary>The server with real clients (dig, kdig) and a real upstream (unbound), all on loopback.</summary>
public sealed class DnsServerTests : IClassFixture<UnboundFixture>, IAsyncLifetime
{
    private readonly UnboundFixture _unbound;
    private DnsTestHost _host = null!;

    public DnsServerTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    public async Task InitializeAsync() => _host = await DnsTestHost.StartAsync([_unbound.Upstream]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Dig_Udp_AnswersFromUnbound()
    {
        var output = await Tool.DigAsync(_host.Port, "a.test", "A");
        Assert.Contains("status: NOERROR", output);
        Assert.Matches(@"a\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1", output);
        Assert.True(_host.Counter("udp_queries") >= 1);
    }

    [Fact]
    public async Task Dig_Tcp_Answers()
    {
        var output = await Tool.DigAsync(_host.Port, "+tcp", "alias.test", "A");
        Assert.Contains("status: NOERROR", output);
        Assert.Matches(@"alias\.test\.\s+\d+\s+IN\s+CNAME\s+a\.test\.", output); // unbound's local-data does not chase the CNAME
        Assert.True(_host.Counter("tcp_queries") >= 1);
    }

    [Fact]
    public async Task Kdig_UdpAndTcp_Answer()
    {
        var udp = await Tool.KdigAsync(_host.Port, "mail.test", "MX");
        var tcp = await Tool.KdigAsync(_host.Port, "+tcp", "a.test", "AAAA");
        Assert.Contains("status: NOERROR", udp);
        Assert.Matches(@"mail\.test\.\s+\d+\s+IN\s+MX\s+10 a\.test\.", udp);
        Assert.Contains("2001:db8::1", tcp);
        Assert.Contains("TCP", tcp);
    }

    [Fact]
    public async Task Dig_Ipv6Listener_AnswersOverUdpAndTcp()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:Listen:0"] = "[::1]:0" });
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, host.Server.UdpEndPoints[0].AddressFamily);
        var udp = await Tool.DigV6Async(host.Port, "a.test");
        var tcp = await Tool.DigV6Async(host.Port, "+tcp", "a.test", "AAAA");
        Assert.Contains("192.0.2.1", udp);
        Assert.Contains("2001:db8::1", tcp);
    }

    [Fact]
    public async Task Dig_NxDomain_CarriesSoa()
    {
        var output = await Tool.DigAsync(_host.Port, "missing.test", "A");
        Assert.Contains("status: NXDOMAIN", output);
        Assert.Matches(@"test\.\s+\d+\s+IN\s+SOA\s+ns\.test\.", output);
    }

    [Fact]
    public async Task Dig_LargeAnswerOverUdp_TruncatedThenRetriedOverTcp()
    {
        var output = await Tool.DigAsync(_host.Port, "many.test", "A");
        Assert.Contains("Truncated, retrying in TCP mode", output);
        Assert.Contains($"ANSWER: {UnboundServer.ManyCount},", output);
        Assert.True(_host.Counter("truncated") >= 1);
    }

    [Theory]
    [InlineData("+bufsize=4096", 1232)] // the client asks for more than our MaxUdpSize: capped
    [InlineData("+bufsize=800", 800)]
    [InlineData("+noedns", 512)]
    public async Task Dig_LargeAnswerIgnoringTc_ResponseFitsTheLimitWithTcSet(string edns, int limit)
    {
        var output = await Tool.DigAsync(_host.Port, "+ignore", edns, "many.test", "A");
        Assert.Matches(@"flags: qr tc rd ra", output);
        var size = int.Parse(System.Text.RegularExpressions.Regex.Match(output, @"MSG SIZE\s+rcvd: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(size, 12, limit);
    }

    [Fact]
    public async Task Tcp_PipelinedQueries_AllAnsweredOnOneConnection()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_host.EndPoint);
        var ids = new ushort[] { 101, 102, 103, 104 };
        var names = new[] { "a.test", "mail.test", "missing.test", "alias.test" };
        var batch = ids.Zip(names).SelectMany(p => DnsClient.Frame(DnsClient.BuildQuery(p.First, p.Second, DnsRecordType.A))).ToArray();
        await socket.SendAsync(batch, SocketFlags.None); // all four before reading any answer
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answered = new HashSet<ushort>();
        for (var i = 0; i < ids.Length; i++)
        {
            var response = await DnsClient.ReadFramedAsync(socket, cts.Token);
            Assert.NotNull(response);
            Assert.True(DnsHeader.TryRead(response, out var header) && header.IsResponse);
            answered.Add(header.Id);
        }

        Assert.Equal(ids.ToHashSet(), answered);
    }

    [Fact]
    public async Task Tcp_LengthPrefixLargerThanData_ConnectionClosedAndOthersStillServed()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:TcpReadTimeout"] = "00:00:00.300" });
        using var liar = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await liar.ConnectAsync(host.EndPoint);
        var query = DnsClient.BuildQuery(7, "a.test", DnsRecordType.A);
        await liar.SendAsync(new byte[] { 0x01, 0xF4 }.Concat(query).ToArray(), SocketFlags.None); // says 500, sends ~30

        var output = await Tool.DigAsync(host.Port, "+tcp", "a.test");
        Assert.Contains("192.0.2.1", output);
        Assert.True(await DnsClient.WaitForCloseAsync(liar, TimeSpan.FromSeconds(15)), "the server closes the connection");
        Assert.Equal(1, host.Counter("tcp_slow_clients_closed"));
    }

    [Fact]
    public async Task Tcp_SlowClientTrickling_IsClosedWhileOthersAreServed()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:TcpReadTimeout"] = "00:00:00.500" });
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await slow.ConnectAsync(host.EndPoint);
        var framed = DnsClient.Frame(DnsClient.BuildQuery(9, "a.test", DnsRecordType.A));
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            foreach (var b in framed)
            {
                try
                {
                    await slow.SendAsync(new[] { b }, SocketFlags.None);
                    await Task.Delay(200, stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
            }
        });

        var udp = await Tool.DigAsync(host.Port, "a.test");
        var tcp = await Tool.KdigAsync(host.Port, "+tcp", "a.test");
        Assert.Contains("192.0.2.1", udp);
        Assert.Contains("192.0.2.1", tcp);
        Assert.True(await DnsClient.WaitForCloseAsync(slow, TimeSpan.FromSeconds(15)), "the trickling client is cut off");
        await stop.CancelAsync();
        await trickle;
        Assert.Equal(1, host.Counter("tcp_slow_clients_closed"));
    }

    [Fact]
    public async Task Tcp_MoreConnectionsThanAllowed_ExtraOneClosedAndCounted()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:MaxTcpConnections"] = "2" });
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var third = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(host.EndPoint);
        await second.ConnectAsync(host.EndPoint);
        // Make sure both are accepted (answered) before the third arrives.
        foreach (var s in new[] { first, second })
        {
            await s.SendAsync(DnsClient.Frame(DnsClient.BuildQuery(1, "a.test", DnsRecordType.A)), SocketFlags.None);
            Assert.NotNull(await DnsClient.ReadFramedAsync(s, CancellationToken.None));
        }

        await third.ConnectAsync(host.EndPoint);
        Assert.True(await DnsClient.WaitForCloseAsync(third, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, host.Counter("tcp_connections_rejected"));
        // UDP is unaffected.
        Assert.Contains("192.0.2.1", await Tool.DigAsync(host.Port, "a.test"));
    }

    [Fact]
    public async Task Tcp_IdleConnection_ClosedAfterIdleTimeout()
    {
        await using var host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["Dns:TcpIdleTimeout"] = "00:00:00.300" });
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(host.EndPoint);
        Assert.True(await DnsClient.WaitForCloseAsync(idle, TimeSpan.FromSeconds(15)));
        Assert.Equal(1, host.Counter("tcp_idle_closed"));
    }

    [Fact]
    public async Task Udp_HostileGarbage_CountedAndDigStillAnswered()
    {
        var random = new Random(53);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(_host.EndPoint);
        var sent = 0;
        foreach (var (_, message) in DnsCorpus.Valid())
        {
            for (var length = 0; length < message.Length; length += 3)
            {
                socket.Send(message.AsSpan(0, length));
                sent++;
            }
        }

        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 600)];
            random.NextBytes(junk);
            socket.Send(junk);
            sent++;
        }

        // A pointer loop in the question, QDCOUNT 2 and a forward pointer: all with readable headers.
        socket.Send([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]);
        socket.Send([0, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1]);
        socket.Send([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 1, (byte)'a', 0]);

        // The flood can overflow the kernel's socket buffer (those datagrams never reach us); dig retries like any client.
        var output = await Tool.DigAsync(_host.Port, "+tries=3", "a.test");
        Assert.True(output.Contains("192.0.2.1", StringComparison.Ordinal), output + string.Join(",", _host.Counters.Snapshot()));
        await WaitUntilAsync(() => _host.Counter("malformed_dropped") > 0 && _host.Counter("formerr") >= 3);
        Assert.True(_host.Counter("formerr") >= 3, "readable headers get FORMERR");
        Assert.True(_host.Counter("malformed_dropped") >= 1, "unreadable ones are dropped");
    }

    public static TheoryData<string, byte[], DnsResponseCode> Refusals => new()
    {
        { "qdcount 2", [0, 9, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1, 1, (byte)'b', 0, 0, 1, 0, 1], DnsResponseCode.FormErr },
        { "qdcount 0", [0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], DnsResponseCode.FormErr },
        { "pointer loop", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1], DnsResponseCode.FormErr },
        { "label > 63", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64, .. new byte[64], 0, 0, 1, 0, 1], DnsResponseCode.FormErr },
        { "opcode STATUS", [0, 9, 0x11, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1], DnsResponseCode.NotImp },
        { "opcode 9", [0, 9, 0x49, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1], DnsResponseCode.NotImp },
        { "class CH", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 3], DnsResponseCode.Refused },
        { "class 999", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0x03, 0xE7], DnsResponseCode.Refused },
        { "AXFR", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 252, 0, 1], DnsResponseCode.NotImp },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Udp_UnsupportedOrMalformedQuery_GetsErrorWithClientId(string name, byte[] query, DnsResponseCode expected)
    {
        var response = await DnsClient.UdpAsync(_host.EndPoint, query);
        Assert.True(response is not null, name);
        Assert.Equal(expected, DnsClient.ResponseCode(response));
        Assert.Equal(9, response[1]);
        Assert.True(DnsText.ReadAll(response), "the error response is well-formed");
    }

    [Fact]
    public async Task Udp_ResponseSentToServer_IsDroppedNotAnswered()
    {
        var response = DnsClient.BuildQuery(5, "a.test", DnsRecordType.A);
        response[2] |= 0x80; // QR: answering it would make us a reflector
        Assert.Null(await DnsClient.UdpAsync(_host.EndPoint, response, timeoutMs: 300));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
    }
}
