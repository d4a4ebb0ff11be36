using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using ClassroomGuard.DnsFilter.Control;
using ClassroomGuard.DnsFilter.Tests.Policy.Support;
using ClassroomGuard.DnsFilter.Tests.Support;
using ClassroomGuard.Storage.Control;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.DnsFilter.Tests.Control;

/// <summary>The real DNS filter host (AddDnsFilter) with a state database and list files, asked over its control socket.</summary>
[SupportedOSPlatform("linux")]
public sealed class ControlServerTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    // Monday 2 March 2026, 10:15 in London (GMT), and 12:30 the same day (the staff's lunchtime games window).
    private static readonly DateTimeOffset Lesson = new(2026, 3, 2, 10, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Lunch = new(2026, 3, 2, 12, 30, 0, TimeSpan.Zero);

    private readonly PolicyWorld _world = new(Lesson);
    private readonly string _socket;
    private readonly string _ut1;
    private readonly string _iwf;

    public ControlServerTests()
    {
        _socket = Path.Combine(_world.Directory, "control.sock");
        _ut1 = Path.Combine(_world.Directory, "ut1");
        Directory.CreateDirectory(Path.Combine(_ut1, "games"));
        Directory.CreateDirectory(Path.Combine(_ut1, "adult"));
        File.WriteAllText(Path.Combine(_ut1, "games", "domains"), "games.test\npoki.test\n");
        File.WriteAllText(Path.Combine(_ut1, "adult", "domains"), "adult.test\n");
        _iwf = Path.Combine(_world.Directory, "iwf.txt");
        File.WriteAllText(_iwf, "csam.test\n");
    }

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Socket_IsOwnerOnlyAndRemovedAtStop()
    {
        await using (var host = await StartAsync())
        {
            Assert.True(host.Get<ControlServer>().Listening);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_socket));
        }

        Assert.False(File.Exists(_socket));
    }

    [Fact]
    public async Task Explain_AlwaysOnListedName_BlockedByTheAlwaysOnListWithItsSource()
    {
        await using var host = await StartAsync();

        var explain = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "www.csam.test", GroupKey: "staff", At: Lesson));

        Assert.Equal(ExplainOutcome.Blocked, explain.Outcome);
        Assert.Equal(ExplainRule.AlwaysOn, explain.Rule);
        Assert.Equal("child_abuse", explain.Category!.Key);
        var listing = Assert.Single(explain.Listings);
        Assert.Equal("csam.test", listing.ListedName);
        Assert.True(listing.AlwaysOn);
        Assert.Equal("iwf.txt", Assert.Single(listing.Sources).Name);
        Assert.Equal(GroupSource.Chosen, explain.Client.Source);
        Assert.Equal("Staff", explain.Client.Group.Name);
    }

    [Fact]
    public async Task Explain_GamesForStaff_BlockedInLessonsAllowedInTheLunchtimeWindow()
    {
        await using var host = await StartAsync();

        var lesson = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "poki.test", GroupKey: "staff", At: Lesson));
        var lunch = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "poki.test", GroupKey: "staff", At: Lunch));

        Assert.Equal((ExplainOutcome.Blocked, ExplainRule.Category), (lesson.Outcome, lesson.Rule));
        Assert.Equal("Games", lesson.Category!.Name);
        Assert.Equal("UT1 games", Assert.Single(Assert.Single(lesson.Listings).Sources).Name);
        var window = Assert.Single(lesson.Schedules);
        Assert.True(window.Allow);
        Assert.Equal((720, 780, 31), (window.StartMinute, window.EndMinute, window.Days));
        Assert.False(window.InForce);
        Assert.Equal((ExplainOutcome.Allowed, ExplainRule.Default), (lunch.Outcome, lunch.Rule));
        Assert.True(Assert.Single(lunch.Schedules).InForce);
        Assert.Empty(lunch.BlockedCategories);
        Assert.Equal("Europe/London", lesson.TimeZone);
    }

    [Fact]
    public async Task Explain_CircumventionName_BlockedNamingTheName()
    {
        await using var host = await StartAsync();

        var explain = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "use-application-dns.net", Address: "192.0.2.9"));

        Assert.Equal((ExplainOutcome.Blocked, ExplainRule.Circumvention), (explain.Outcome, explain.Rule));
        Assert.Equal("use-application-dns.net", explain.RuleEntry);
        Assert.Equal((GroupSource.Default, "guests"), (explain.Client.Source, explain.Client.Group.Key));
    }

    [Fact]
    public async Task Explain_DenyAndAllowEntries_NameTheEntryAndItsGroup()
    {
        await _world.MustChangeAsync(new SetDomainRuleChange("blocked.test", "ks3", RuleAction.Deny));
        await _world.MustChangeAsync(new SetDomainRuleChange("games.test", null, RuleAction.Allow));
        await using var host = await StartAsync();

        var denied = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "www.blocked.test", GroupKey: "ks3", At: Lesson));
        var otherGroup = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "www.blocked.test", GroupKey: "ks4", At: Lesson));
        var allowed = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "games.test", GroupKey: "ks3", At: Lesson));

        Assert.Equal((ExplainOutcome.Blocked, ExplainRule.Deny, "blocked.test", "ks3"), (denied.Outcome, denied.Rule, denied.RuleEntry, denied.RuleEntryGroup?.Key));
        Assert.Equal((ExplainOutcome.Allowed, ExplainRule.Default), (otherGroup.Outcome, otherGroup.Rule));
        Assert.Equal((ExplainOutcome.Allowed, ExplainRule.Allow, "games.test"), (allowed.Outcome, allowed.Rule, allowed.RuleEntry));
        Assert.Null(allowed.RuleEntryGroup);
        Assert.Equal("games", Assert.Single(allowed.BlockedCategories).Key); // listed and blocked, but the allow entry wins
    }

    [Fact]
    public async Task Explain_ClientsBySubnetAndDevice_SayHowTheyGotTheirGroup()
    {
        await _world.MustChangeAsync(new SetClientMappingChange(ClientMappingKind.Subnet, "10.3.0.0/16", "ks3"));
        var device = await _world.AddDeviceAsync("10.3.0.20", "02:00:00:00:00:20");
        await _world.MustChangeAsync(new SetDeviceGroupChange(device, "staff"));
        await using var host = await StartAsync();

        var bySubnet = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "example.test", Address: "10.3.0.21"));
        var byAddress = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "example.test", Address: "10.3.0.20"));
        var byDevice = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "example.test", DeviceId: device));

        Assert.Equal((GroupSource.Subnet, "10.3.0.0/16", "ks3"), (bySubnet.Client.Source, bySubnet.Client.Matched, bySubnet.Client.Group.Key));
        Assert.Equal((GroupSource.Device, "staff", device), (byAddress.Client.Source, byAddress.Client.Group.Key, byAddress.Client.DeviceId));
        Assert.Equal((GroupSource.Device, "10.3.0.20"), (byDevice.Client.Source, byDevice.Client.Address));
        var search = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "www.google.com", Address: "10.3.0.21"));
        Assert.Equal((ExplainOutcome.SafeSearch, ExplainRule.SafeSearch, "Google"), (search.Outcome, search.Rule, search.SafeSearchEngine));
    }

    [Fact]
    public async Task Explain_PausedDevice_BlockedByThePauseUntilItEnds()
    {
        var device = await _world.AddDeviceAsync("10.4.0.20", "02:00:00:00:00:40");
        var action = await _world.Store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Pause, _world.Teacher, "calm down", ActionScope.Device, device, null, Lesson.AddMinutes(10)), Ct);
        await using var host = await StartAsync();

        var explain = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "unlisted.test", Address: "10.4.0.20", At: Lesson.AddMinutes(1)));
        var after = await ExplainAsync(new ControlRequest(ControlRequestKind.Explain, "unlisted.test", Address: "10.4.0.20", At: Lesson.AddMinutes(11)));

        Assert.Equal((ExplainOutcome.Blocked, ExplainRule.Pause), (explain.Outcome, explain.Rule));
        Assert.Equal(action.ExpiresAt, explain.ActionEnds);
        Assert.Equal(ExplainOutcome.Allowed, after.Outcome);
    }

    [Fact]
    public async Task Lists_DescribeEverySourceAndCategory_AlwaysOnFirstWithUnconfiguredAtZero()
    {
        await using var host = await StartAsync();

        var reply = await AskAsync(new ControlRequest(ControlRequestKind.Lists));

        Assert.Null(reply.Error);
        var lists = reply.Lists!;
        Assert.Equal(4, lists.Names);
        Assert.Contains(lists.Sources, s => s.Name == "UT1 games" && s.Entries == 2 && s.Updated is not null && !s.Missing);
        Assert.Contains(lists.Sources, s => s.Name == "iwf.txt" && s.Categories.Single().Key == "child_abuse");
        Assert.True(lists.Categories[0].AlwaysOn && lists.Categories[1].AlwaysOn);
        var terrorism = Assert.Single(lists.Categories, c => c.Category.Key == "terrorism");
        Assert.Equal(0, terrorism.Names);
        Assert.Empty(terrorism.Sources);
        Assert.Equal(2, Assert.Single(lists.Categories, c => c.Category.Key == "games").Names);
        var gambling = Assert.Single(lists.Categories, c => c.Category.Key == "gambling"); // in the policy, fed by no list
        Assert.Equal((0, "Gambling"), (gambling.Names, gambling.Category.Name));
        Assert.True(lists.Revision > 0);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"kind\":\"explain\"")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"address\":\"10.0.0.1\",\"groupKey\":\"ks3\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"not a name\",\"groupKey\":\"ks3\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"10.0.0.1\",\"groupKey\":\"ks3\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"address\":\"999.1.1.1\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"groupKey\":\"nobody\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"deviceId\":424242}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"deviceId\":\"one\"}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a.test\",\"groupKey\":\"ks3\",\"at\":\"yesterday\"}")]
    [InlineData("{\"kind\":\"shutdown\"}")]
    [InlineData("{\"kind\":7}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("{\"kind\":\"explain\",\"domain\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    [InlineData("{\"kind\":\"explain\",\"domain\":\"a\u0000.test\",\"groupKey\":\"ks3\"}")]
    public async Task Request_MalformedOrHostile_ErrorReplyCountedAndTheFilterCarriesOn(string request)
    {
        await using var host = await StartAsync();

        var reply = await SendAsync(Encoding.UTF8.GetBytes(request + "\n"));

        Assert.False(string.IsNullOrWhiteSpace(reply.Error), request);
        Assert.Equal(1, host.Get<ControlServer>().Refused);
        Assert.Null((await AskAsync(new ControlRequest(ControlRequestKind.Lists))).Error);
    }

    [Fact]
    public async Task Request_LongerThanTheLimit_RefusedWithoutReadingIt()
    {
        await using var host = await StartAsync();
        var huge = Encoding.UTF8.GetBytes("{\"kind\":\"explain\",\"domain\":\"" + new string('a', 100_000) + "\"}\n");

        var reply = await SendAsync(huge, tolerateReset: true);

        Assert.Contains("longer than 4096 bytes", reply.Error, StringComparison.Ordinal);
        Assert.Equal(1, host.Get<ControlServer>().Refused);
    }

    [Fact]
    public async Task Request_NeverFinished_RefusedAfterTheTimeout()
    {
        await using var host = await StartAsync();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket));
        await socket.SendAsync("{\"kind\":"u8.ToArray());

        var reply = DnsFilterControl.DecodeReply(await ReadAllAsync(socket, tolerateReset: false));

        Assert.Contains("did not arrive", reply!.Error, StringComparison.Ordinal);
        Assert.Equal(1, host.Get<ControlServer>().Refused);
    }

    [Fact]
    public async Task Start_StaleSocketFileReplaced_FileWithContentLeftAlone()
    {
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(_socket)); // a filter that died: the file stays, nobody listens
        }

        await using (var host = await StartAsync())
        {
            Assert.True(host.Get<ControlServer>().Listening);
        }

        var data = Path.Combine(_world.Directory, "precious.db");
        File.WriteAllText(data, "keep me");
        await using var wrong = await StartAsync(data);
        Assert.False(wrong.Get<ControlServer>().Listening);
        Assert.Equal("keep me", File.ReadAllText(data));
        Assert.Contains("status: NXDOMAIN", await Tool.DigAsync(wrong.Port, "use-application-dns.net", "A"), StringComparison.Ordinal); // DNS still served
    }

    private Task<DnsTestHost> StartAsync(string? socket = null)
        => DnsTestHost.StartAsync(["127.0.0.1:9"], new Dictionary<string, string?>
        {
            ["State:Path"] = _world.StateOptions.Path,
            ["Dns:ControlSocket"] = socket ?? _socket,
            ["Dns:Lists:Cache"] = "false",
            ["Dns:Lists:Sources:0:Path"] = _ut1,
            ["Dns:Lists:Sources:0:Format"] = "Ut1",
            ["Dns:Lists:Sources:1:Path"] = _iwf,
            ["Dns:Lists:Sources:1:Format"] = "Plain",
            ["Dns:Lists:Sources:1:Category"] = "child_abuse",
        }, _world.Clock);

    private async Task<ExplainReply> ExplainAsync(ControlRequest request)
    {
        var reply = await AskAsync(request);
        Assert.True(reply.Error is null, reply.Error);
        return reply.Explain!;
    }

    private Task<ControlReply> AskAsync(ControlRequest request) => SendAsync(DnsFilterControl.Encode(request));

    private async Task<ControlReply> SendAsync(byte[] request, bool tolerateReset = false)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket));
        try
        {
            await socket.SendAsync(request);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException) when (tolerateReset)
        {
            // the filter stopped reading at the limit and answered: read its reply
        }

        var reply = DnsFilterControl.DecodeReply(await ReadAllAsync(socket, tolerateReset));
        Assert.NotNull(reply);
        return reply;
    }

    private static async Task<byte[]> ReadAllAsync(Socket socket, bool tolerateReset)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[DnsFilterControl.MaxReplyBytes];
        var length = 0;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token)) > 0)
            {
                length += read;
            }
        }
        catch (SocketException) when (tolerateReset && length > 0)
        {
        }

        return buffer[..length];
    }
}
