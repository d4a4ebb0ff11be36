extern alias DnsClientNet;

using System.Buffers.Binary;
using System.Net;
using System.Text;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using DnsClientNet::DnsClient;
using DnsClientNet::DnsClient.Protocol;
using DnsClientNet::DnsClient.Protocol.Options;
using DnsClientNet::System.Linq; // DnsClient's record filters (ARecords(), CnameRecords() ...)
using OurResponseCode = ClassroomGuard.Dns.Protocol.DnsResponseCode;

namespace ClassroomGuard.DnsFilter.Tests.Server;

/// <summary>
/// The real host (AddDnsFilter: policy from a state database, a hosts list, unbound upstream) asked by DnsClient.NET, a
/// second client implementation beside dig and kdig (their twins are in <see cref="DnsServerTests"/>,
/// <see cref="Policy.PolicyEndToEndTests"/> and <see cref="Policy.SafeSearchEndToEndTests"/>). Every client is built by
/// <see cref="Client"/>: our server only, no cache, no retries, no audit trail, so each answer is one exchange with us.
/// What DnsClient cannot send (malformed and hostile messages) stays with the raw-byte tests.
/// </summary>
public sealed class DnsClientNetTests : IClassFixture<UnboundFixture>, IAsyncLifetime
{
    /// <summary>Our server's EDNS payload size (Dns:MaxUdpSize's default), advertised in every OPT it answers with.</summary>
    private const int OurPayloadSize = 1232;

    private readonly UnboundFixture _unbound;
    private readonly PolicyWorld _world = new(DateTimeOffset.UtcNow);
    private DnsTestHost _host = null!;

    public DnsClientNetTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    public async Task InitializeAsync()
    {
        var list = Path.Combine(_world.Directory, "adult.hosts");
        await File.WriteAllTextAsync(list, "# test list\n0.0.0.0 adult.test\n");
        _host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:Lists:Sources:0:Path"] = list,
            ["Dns:Lists:Sources:0:Format"] = "Hosts",
            ["Dns:Lists:Sources:0:Category"] = "adult",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task Udp_AAndAaaa_PassedThroughFromUnbound()
    {
        var client = Client();

        var a = await client.QueryAsync("a.test", QueryType.A);
        var aaaa = await client.QueryAsync("a.test", QueryType.AAAA);

        Assert.Equal(DnsHeaderResponseCode.NoError, a.Header.ResponseCode);
        Assert.True(a.Header.RecursionAvailable);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(a.Answers.ARecords()).Address);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single(aaaa.Answers.AaaaRecords()).Address);
        Assert.Equal(_host.EndPoint.Port, a.NameServer.Port);
        Assert.Equal(0, _host.Counter("tcp_queries"));
    }

    [Fact]
    public async Task Udp_NxDomain_CarriesSoaInAuthority()
    {
        var response = await Client().QueryAsync("missing.test", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, response.Header.ResponseCode);
        Assert.Empty(response.Answers);
        Assert.Equal("ns.test.", Assert.Single(response.Authorities.SoaRecords()).MName.Value);
    }

    [Fact]
    public async Task TcpOnly_CnameAndMx_AnsweredOverTcp()
    {
        var client = Client(o => o.UseTcpOnly = true);

        var alias = await client.QueryAsync("alias.test", QueryType.A);
        var mail = await client.QueryAsync("mail.test", QueryType.MX);

        Assert.Equal("a.test.", Assert.Single(alias.Answers.CnameRecords()).CanonicalName.Value);
        Assert.Empty(alias.Answers.ARecords()); // unbound's local-data does not chase the CNAME, and we add nothing
        var mx = Assert.Single(mail.Answers.MxRecords());
        Assert.Equal(10, mx.Preference);
        Assert.Equal("a.test.", mx.Exchange.Value);
        Assert.Equal(2, _host.Counter("tcp_queries"));
    }

    [Fact]
    public async Task Edns_AnswerCarriesOptWithOurPayloadSize_AndEchoesDnssecOk()
    {
        var plain = await Client(o => o.ExtendedDnsBufferSize = 4096).QueryAsync("a.test", QueryType.A);
        var dnssec = await Client(o => o.RequestDnsSecRecords = true).QueryAsync("a.test", QueryType.A);

        var opt = Assert.Single(plain.Additionals.OfType<OptRecord>());
        Assert.Equal(OurPayloadSize, opt.UdpSize); // ours, not the client's 4096 (RFC 6891 6.2.3)
        Assert.False(opt.IsDnsSecOk);
        Assert.True(Assert.Single(dnssec.Additionals.OfType<OptRecord>()).IsDnsSecOk); // RFC 3225: DO copied into the answer
    }

    [Fact]
    public async Task NoEdns_AnswerHasNoOpt()
    {
        var response = await Client(o => o.ExtendedDnsBufferSize = 512).QueryAsync("a.test", QueryType.A);

        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(response.Answers.ARecords()).Address);
        Assert.Empty(response.Additionals.OfType<OptRecord>());
    }

    [Fact]
    public async Task Truncation_LargeAnswerOverUdp_ComesBackTc_AndTcpFallbackGetsItWhole()
    {
        // Without the fallback DnsClient refuses to hand out the truncated (TC=1) answer it got.
        var udpOnly = await Assert.ThrowsAsync<DnsResponseException>(() => Client(o => o.UseTcpFallback = false).QueryAsync("many.test", QueryType.A));
        Assert.Contains("truncated", udpOnly.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, _host.Counter("truncated"));
        Assert.Equal(0, _host.Counter("tcp_queries"));

        var withFallback = await Client(o => o.UseTcpFallback = true).QueryAsync("many.test", QueryType.A);

        Assert.False(withFallback.Header.ResultTruncated);
        Assert.Equal(UnboundServer.ManyCount, withFallback.Answers.ARecords().Count());
        Assert.True(withFallback.MessageSize > OurPayloadSize);
        Assert.Equal(2, _host.Counter("truncated")); // its UDP try was truncated too ...
        Assert.Equal(1, _host.Counter("tcp_queries")); // ... and the whole answer came over TCP
    }

    [Fact]
    public async Task BlockedName_AnswersNullAddressWithExtendedErrorNamingCategory()
    {
        var client = Client();

        var a = await client.QueryAsync("www.adult.test", QueryType.A);
        var aaaa = await Client(o => o.UseTcpOnly = true).QueryAsync("www.adult.test", QueryType.AAAA);
        var canary = await client.QueryAsync("use-application-dns.net", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NoError, a.Header.ResponseCode);
        var address = Assert.Single(a.Answers.ARecords());
        Assert.Equal(IPAddress.Any, address.Address);
        Assert.Equal(10, address.InitialTimeToLive);
        Assert.Equal(IPAddress.IPv6Any, Assert.Single(aaaa.Answers.AaaaRecords()).Address);
        Assert.Equal((15, "ClassroomGuard: blocked, category adult"), ExtendedError(Assert.Single(a.Additionals.OfType<OptRecord>())));
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, canary.Header.ResponseCode); // Firefox's DoH canary: "do not switch"
    }

    [Theory]
    [InlineData("www.google.co.uk", "forcesafesearch.google.com.", 2)]
    [InlineData("www.youtube.com", "restrict.youtube.com.", 1)]
    [InlineData("www.bing.com", "strict.bing.com.", 1)]
    public async Task SafeSearch_DefaultGroup_CnameToTargetWithEveryTargetAddress(string name, string target, int addresses)
    {
        // DnsClient cannot choose its source address: it asks from 127.0.0.1, in the default (strict) group.
        var response = await Client().QueryAsync(name, QueryType.A);

        var cname = Assert.Single(response.Answers.CnameRecords());
        Assert.Equal(name + ".", cname.DomainName.Value);
        Assert.Equal(target, cname.CanonicalName.Value);
        Assert.Equal(300, cname.InitialTimeToLive);
        var found = response.Answers.ARecords().ToList();
        Assert.Equal(addresses, found.Count);
        Assert.All(found, record => Assert.Equal(target, record.DomainName.Value));
        Assert.Contains(found, r => UnboundServer.SafeSearchData.Any(d => d.Name + "." == target && IPAddress.Parse(d.Address).Equals(r.Address)));
    }

    [Fact]
    public async Task HostileQueries_SentAsRawBytes_DoNotStopDnsClientBeingAnswered()
    {
        // DnsClient only sends well-formed queries: the hostile ones go as raw bytes, each must get its error response,
        // and the server then still answers a real client over UDP and TCP.
        foreach (var (name, query, expected) in HostileQueries())
        {
            var response = await DnsClient.UdpAsync(_host.EndPoint, query);
            Assert.True(response is not null, name);
            Assert.Equal(expected, DnsClient.ResponseCode(response));
        }

        var udp = await Client().QueryAsync("a.test", QueryType.A);
        var tcp = await Client(o => o.UseTcpOnly = true).QueryAsync("a.test", QueryType.AAAA);

        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(udp.Answers.ARecords()).Address);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single(tcp.Answers.AaaaRecords()).Address);
        Assert.True(_host.Counter("formerr") >= 2);
    }

    private static IEnumerable<(string Name, byte[] Query, OurResponseCode Expected)> HostileQueries()
    {
        yield return ("pointer loop", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1], OurResponseCode.FormErr);
        yield return ("qdcount 2", [0, 9, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1, 1, (byte)'b', 0, 0, 1, 0, 1], OurResponseCode.FormErr);
        yield return ("AXFR", [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 252, 0, 1], OurResponseCode.NotImp);
    }

    /// <summary>The Extended DNS Error option (RFC 8914, code 15) in an OPT record's data: its info code and text.</summary>
    private static (int InfoCode, string Text) ExtendedError(OptRecord opt)
    {
        var data = opt.Data.AsSpan();
        while (data.Length >= 4)
        {
            var code = BinaryPrimitives.ReadUInt16BigEndian(data);
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            var value = data.Slice(4, length);
            if (code == 15)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(value), Encoding.UTF8.GetString(value[2..]));
            }

            data = data[(4 + length)..];
        }

        return (-1, "no Extended DNS Error option");
    }

    private LookupClient Client(Action<LookupClientOptions>? change = null)
    {
        var options = new LookupClientOptions(new NameServer(_host.EndPoint))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(5),
            EnableAuditTrail = false,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true,
        };
        change?.Invoke(options);
        return new LookupClient(options);
    }
}
