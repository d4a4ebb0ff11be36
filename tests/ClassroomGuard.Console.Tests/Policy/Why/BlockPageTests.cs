using System.Net;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Policy.Why;

/// <summary>The block page's answer (the real request through Kestrel and the real DNS filter is in the browser tests).</summary>
public sealed class BlockPageTests : IDisposable
{
    private static readonly GroupName Ks3 = new("ks3", "Pupils: Key Stage 3");
    private readonly AdminTestContext _context = new();
    private readonly string _socket;

    public BlockPageTests()
    {
        _socket = Path.Combine(_context.Root, "dnsfilter.sock");
    }

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Answer_BlockedCategory_SaysWhyInWordsWithTheGroupsTextAndTheNotice()
    {
        var tech = await _context.UserAsync("bp.tech", "Tech", Role.Technician);
        var admin = await _context.UserAsync("bp.admin", "Admin", Role.Administrator);
        var proposed = await _context.Store.ChangeControl.ProposeAsync(tech.Id, new SetBlockPageTextChange("ks3", "Ask Mr <Jones> in IT if you need this for a lesson."), "wording", default);
        Assert.True((await _context.Store.ChangeControl.ApproveAsync(admin.Id, proposed.Entry!.Sequence, "ok", default)).Succeeded);
        var reply = Explain(ExplainRule.Category) with { Category = new CategoryName("games", "Games") };
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply(Explain: reply));

        var (status, html, context) = await RequestAsync("www.poki.com", IPAddress.Parse("::ffff:10.3.0.20"));

        Assert.Equal(403, status);
        Assert.Contains("<h1>This site is blocked</h1>", html, StringComparison.Ordinal);
        Assert.Contains("www.poki.com</span> is blocked", html, StringComparison.Ordinal);
        Assert.Contains("It is in the Games category, which is blocked for Pupils: Key Stage 3 at this time.", html, StringComparison.Ordinal);
        Assert.Contains("Ask Mr &lt;Jones&gt; in IT", html, StringComparison.Ordinal); // the group's words, encoded
        Assert.Contains("This system is monitored.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ks3", html, StringComparison.Ordinal);
        Assert.DoesNotContain("10.3.0.20", html, StringComparison.Ordinal);
        Assert.Equal("10.3.0.20", Assert.Single(filter.Requests, r => r.Kind == ControlRequestKind.Explain).Address); // IPv4-mapped client as IPv4
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.StartsWith("default-src 'none'", context.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_NamesTheListVersionInSmallPrint_WithoutItsChecksum()
    {
        var explain = Explain(ExplainRule.Category) with { Category = new CategoryName("games", "Games") };
        var lists = new ListsReply(DateTimeOffset.UtcNow, false, 0, [], [], 1, new ListsHealth("UT1 of 6 December 2026 (sha256 1a2b3c4d)", [], null, []));
        await using var filter = new FakeDnsFilterControl(_socket, r => DnsFilterControl.Encode(r.Kind == ControlRequestKind.Lists ? new ControlReply(Lists: lists) : new ControlReply(Explain: explain)));

        var (_, html, _) = await RequestAsync("www.poki.com", IPAddress.Parse("10.3.0.20"));

        Assert.Contains("<p class=\"lists\">Lists: UT1 of 6 December 2026</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_NoListVersion_NoSmallPrint()
    {
        var explain = Explain(ExplainRule.Category) with { Category = new CategoryName("games", "Games") };
        var lists = new ListsReply(DateTimeOffset.UtcNow, false, 0, [], [], 1, new ListsHealth("No UT1 lists", ["UT1 adult"], null, []));
        await using var filter = new FakeDnsFilterControl(_socket, r => DnsFilterControl.Encode(r.Kind == ControlRequestKind.Lists ? new ControlReply(Lists: lists) : new ControlReply(Explain: explain)));

        var (_, html, _) = await RequestAsync("www.poki.com", IPAddress.Parse("10.3.0.20"));

        Assert.Contains(filter.Requests, r => r.Kind == ControlRequestKind.Lists);
        Assert.DoesNotContain("Lists:", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ListVersion_Encoded()
        => Assert.Contains("Lists: UT1 &lt;b&gt;", BlockPage.Render("poki.com", null, null, "UT1 <b>"), StringComparison.Ordinal);

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("10.0.0.1")]
    [InlineData("")]
    public async Task Answer_HostNotASiteName_GenericPageWithoutAskingTheFilter(string host)
    {
        await using var filter = FakeDnsFilterControl.Replying(_socket, new ControlReply("not asked"));

        var (status, html, _) = await RequestAsync(host, IPAddress.Parse("10.3.0.20"));

        Assert.Equal(403, status);
        Assert.Contains("This site</span> is blocked", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Empty(filter.Requests);
    }

    [Fact]
    public async Task Answer_FilterDown_StillSaysBlockedWithoutAReason()
    {
        var (status, html, _) = await RequestAsync("poki.com", IPAddress.Parse("10.3.0.20"));

        Assert.Equal(403, status);
        Assert.Contains("poki.com</span> is blocked", html, StringComparison.Ordinal);
        Assert.Contains("ask your teacher", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExplainRule.Pause, "Your teacher has paused the internet on this device until 10:25.")]
    [InlineData(ExplainRule.AlwaysOn, "blocked for everyone, always")]
    [InlineData(ExplainRule.Deny, "The school has blocked this site.")]
    public void Reason_EachRule_InWordsForAPupil(ExplainRule rule, string expected)
    {
        var reason = Page().Reason(Explain(rule) with { ActionEnds = new DateTimeOffset(2026, 3, 2, 10, 25, 0, TimeSpan.Zero) });

        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://0.0.0.0:8080")]
    [InlineData("http://school.example:8080")]
    [InlineData("http://0.0.0.0:8080/blocked")]
    [InlineData("0.0.0.0:8080")]
    [InlineData("http://0.0.0.0:0")]
    public void Options_Malformed_RefusedNamingTheSetting(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new BlockPageOptions { BlockPageListen = value }.EndPoint());

        Assert.Contains("Console:BlockPageListen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UnsetOrAddress_OffOrThatEndPoint()
    {
        Assert.Null(new BlockPageOptions().EndPoint());
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), new BlockPageOptions { BlockPageListen = "http://0.0.0.0:8080" }.EndPoint());
    }

    private async Task<(int Status, string Html, DefaultHttpContext Context)> RequestAsync(string host, IPAddress client)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString(host);
        context.Connection.RemoteIpAddress = client;
        var body = new MemoryStream();
        context.Response.Body = body;

        await Page().AnswerAsync(context);

        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()), context);
    }

    private BlockPage Page()
    {
        var client = new DnsFilterClient(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ControlSocket"] = _socket }).Build(), NullLogger<DnsFilterClient>.Instance);
        return new BlockPage(client, _context.Store, new SchoolClock(Options.Create(_context.StateOptions), TimeProvider.System));
    }

    private static ExplainReply Explain(ExplainRule rule)
        => new("www.poki.com", DateTimeOffset.UtcNow, "Europe/London", ExplainOutcome.Blocked, rule, null, null, null, null, null,
            new ExplainClient(Ks3, GroupSource.Subnet, "10.3.0.0/16", "10.3.0.20", null, true), [], [], [], 12, false);
}
