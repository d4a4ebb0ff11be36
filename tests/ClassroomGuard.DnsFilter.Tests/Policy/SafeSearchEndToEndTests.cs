using System.Text.RegularExpressions;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Policy;

/// <summary>
/// SafeSearch through the real host, asked by dig, with unbound serving the targets' test addresses: 127.0.0.1 is in
/// the default group (guests, strict), 127.0.0.2 is mapped to ks5 (moderate), 127.0.0.3 to staff (SafeSearch and YouTube
/// restricted mode both set to off), 127.0.0.4 to ks4 (SafeSearch off, YouTube restricted mode left strict).
/// </summary>
public sealed class SafeSearchEndToEndTests : IClassFixture<UnboundFixture>, IAsyncLifetime
{
    private const string Strict = "127.0.0.1";
    private const string Moderate = "127.0.0.2";
    private const string Off = "127.0.0.3";
    private const string YouTubeOnly = "127.0.0.4";
    private readonly UnboundFixture _unbound;
    private readonly PolicyWorld _world = new(DateTimeOffset.UtcNow);
    private DnsTestHost? _host;

    public SafeSearchEndToEndTests(UnboundFixture unbound)
    {
        _unbound = unbound;
    }

    public async Task InitializeAsync()
    {
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, Moderate, "ks5"));
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, Off, "staff"));
        await _world.MustChangeAsync(new SetSafeSearchChange("staff", SafeSearchMode.Off));
        await _world.MustChangeAsync(new SetYouTubeModeChange("staff", SafeSearchMode.Off));
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Ip, YouTubeOnly, "ks4"));
        await _world.MustChangeAsync(new SetSafeSearchChange("ks4", SafeSearchMode.Off));
        _host = await DnsTestHost.StartAsync([_unbound.Upstream], new Dictionary<string, string?> { ["State:Path"] = _world.StateOptions.Path });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _world.Dispose();
    }

    [Theory]
    [InlineData("www.google.co.uk", "forcesafesearch.google.com", "192.0.2.101")]
    [InlineData("www.youtube.com", "restrict.youtube.com", "192.0.2.102")]
    [InlineData("www.bing.com", "strict.bing.com", "192.0.2.104")]
    [InlineData("duckduckgo.com", "safe.duckduckgo.com", "192.0.2.105")]
    public async Task Dig_StrictGroup_AnswersCnameToTargetAndTargetAddresses(string name, string target, string address)
    {
        var answer = await DigAsync(Strict, name);

        Assert.Contains("status: NOERROR", answer, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{Regex.Escape(name)}\.\s+300\s+IN\s+CNAME\s+{Regex.Escape(target)}\.$", answer);
        Assert.Matches($@"(?m)^{Regex.Escape(target)}\.\s+\d+\s+IN\s+A\s+{Regex.Escape(address)}$", answer);
    }

    [Fact]
    public async Task Dig_StrictGroupGoogle_CarriesEveryTargetAddress()
    {
        var answer = await DigAsync(Strict, "www.google.co.uk");

        Assert.Matches($@"(?m)^forcesafesearch\.google\.com\.\s+\d+\s+IN\s+A\s+{Regex.Escape(UnboundServer.GoogleSecondAddress)}$", answer);
        Assert.Matches(@"ANSWER: 3,", answer);
    }

    [Fact]
    public async Task Dig_ModerateGroupYouTube_AnswersRestrictModerate()
    {
        var answer = await DigAsync(Moderate, "www.youtube.com");

        Assert.Matches(@"(?m)^www\.youtube\.com\.\s+300\s+IN\s+CNAME\s+restrictmoderate\.youtube\.com\.$", answer);
        Assert.Matches(@"(?m)^restrictmoderate\.youtube\.com\.\s+\d+\s+IN\s+A\s+192\.0\.2\.103$", answer);
    }

    [Theory]
    [InlineData("www.bing.com", "192.0.2.110")]
    [InlineData("www.youtube.com", "192.0.2.111")]
    public async Task Dig_GroupWithSafeSearchOff_AnswersNormally(string name, string address)
    {
        var answer = await DigAsync(Off, name);

        Assert.DoesNotContain("CNAME", answer, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{Regex.Escape(name)}\.\s+\d+\s+IN\s+A\s+{Regex.Escape(address)}$", answer);
    }

    [Fact]
    public async Task Dig_SafeSearchOffButYouTubeStrict_RestrictsYouTubeOnly()
    {
        var youtube = await DigAsync(YouTubeOnly, "www.youtube.com");
        var bing = await DigAsync(YouTubeOnly, "www.bing.com");

        Assert.Matches(@"(?m)^www\.youtube\.com\.\s+300\s+IN\s+CNAME\s+restrict\.youtube\.com\.$", youtube);
        Assert.DoesNotContain("CNAME", bing, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^www\.bing\.com\.\s+\d+\s+IN\s+A\s+192\.0\.2\.110$", bing);
    }

    private Task<string> DigAsync(string source, string name) => Tool.DigAsync(_host!.Port, "-b", source, name, "A");
}
