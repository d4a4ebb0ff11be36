using System.Net.WebSockets;
using ClassroomGuard.Agent.Blanking;
using ClassroomGuard.Agent.Enrolment;
using ClassroomGuard.Agent.Hosting;
using ClassroomGuard.Agent.Hub;
using ClassroomGuard.Agent.Tests.Support;
using ClassroomGuard.AgentContract;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ClassroomGuard.Agent.Tests.Hosting;

/// <summary>The agent against the real console hub over TLS on loopback: enrolment, pinning, blank, reconnect, expiry.</summary>
public sealed class AgentConsoleTests(ConsoleServerFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static int nextMac;
    private ConsoleServer Console => fixture.Server;

    [Fact]
    public async Task EnrolAsync_ValidToken_PinsCertificateAndPutsDeviceInRoom()
    {
        var (_, room, token) = await Console.RoomWithTokenAsync("Enrol1");

        var identity = await Enroller().EnrolAsync(Console.Url, token, null, NewReport("pc-enrol"), CancellationToken.None);

        Assert.Equal(Console.Pin, identity.CertificatePin);
        Assert.Equal(room.Id, identity.RoomId);
        var device = Assert.Single(await Console.Store.Devices.ListAsync(room.Id, CancellationToken.None));
        Assert.Equal(("pc-enrol", DeviceSource.Agent, "pupil"), (device.Hostname, device.Source, device.DisplayName));
        Assert.NotNull(await Console.Store.AgentCredentials.VerifyAsync(identity.AgentId, identity.Secret, CancellationToken.None));
    }

    [Fact]
    public async Task EnrolAsync_WrongExpiredOrRevokedToken_Refused()
    {
        var (teacher, room, token) = await Console.RoomWithTokenAsync("Enrol2");
        var expiring = await Console.Store.EnrolmentTokens.CreateAsync(room.Id, teacher.Id, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        var revoked = await Console.Store.EnrolmentTokens.CreateAsync(room.Id, teacher.Id, TimeSpan.FromHours(1), CancellationToken.None);
        await Console.Store.EnrolmentTokens.RevokeAsync(revoked!.Token.Id, teacher.Id, CancellationToken.None);
        await Task.Delay(20);

        foreach (var bad in new[] { token + "x", expiring!.Secret, revoked.Secret })
        {
            await Assert.ThrowsAsync<EnrolmentException>(() => Enroller().EnrolAsync(Console.Url, bad, null, NewReport("pc-bad"), CancellationToken.None));
        }

        Assert.Empty(await Console.Store.Devices.ListAsync(room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task EnrolAsync_ExpectedPinDiffers_RefusedBeforeSendingToken()
    {
        var (_, room, token) = await Console.RoomWithTokenAsync("Enrol3");
        var otherPin = ConsoleServer.WriteCertificate(Console.Root, "other").Pin;

        await Assert.ThrowsAsync<EnrolmentException>(() => Enroller().EnrolAsync(Console.Url, token, otherPin, NewReport("pc-pin"), CancellationToken.None));

        var stored = Assert.Single(await Console.Store.EnrolmentTokens.ListAsync(room.Id, CancellationToken.None));
        Assert.Equal(0, stored.UseCount); // the token never reached the impostor's (here: the real) server
    }

    [Fact]
    public async Task ConnectAsync_NoOrWrongCredential_Refused()
    {
        var (identity, _) = await EnrolAsync("Auth1");
        var hub = new UriBuilder(new Uri(Console.Url, AgentRoutes.Hub)) { Scheme = "wss" }.Uri;
        var pin = CertificatePin.Require(identity.CertificatePin, NullLogger.Instance);

        foreach (var authorization in new[] { null, $"Bearer {identity.AgentId}.wrong", $"Bearer {identity.AgentId + 1000}.{identity.Secret}" })
        {
            await Assert.ThrowsAsync<WebSocketException>(() =>
                HubConnection.ConnectAsync(hub, authorization, pin, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance, CancellationToken.None));
        }

        await using var accepted = await HubConnection.ConnectAsync(hub, identity.Authorization, pin, new HubConnectionOptions(), TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_CertificateNotThePinnedOne_NeverConnectsNorObeys()
    {
        var (identity, report) = await EnrolAsync("Pin1");
        var impostorPin = ConsoleServer.WriteCertificate(Console.Root, "impostor").Pin;
        var (teacherRoom, deviceId) = await DeviceOfAsync(identity);
        await BlankAsync(ActionScope.Device, deviceId, null, TimeSpan.FromMinutes(5));
        var blanker = new RecordingBlanker();
        var connection = Connection(blanker, report);
        using var stop = new CancellationTokenSource();

        var run = connection.RunAsync(identity with { CertificatePin = impostorPin }, stop.Token);
        var obeyed = await blanker.ArrivesAsync("blank", TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await run.WaitAsync(Wait);

        Assert.False(obeyed);
        Assert.Equal(0, connection.Connections);
        Assert.True(teacherRoom > 0);
    }

    [Fact]
    public async Task RunAsync_TeacherBlanksThenReleasesDevice_BlankAndUnblankArriveWithinOneSecond()
    {
        var (identity, report) = await EnrolAsync("Blank1");
        var (_, deviceId) = await DeviceOfAsync(identity);
        var blanker = new RecordingBlanker();
        using var stop = new CancellationTokenSource();
        var connection = Connection(blanker, report);
        var run = connection.RunAsync(identity, stop.Token);
        await WaitConnectedAsync(connection);

        var started = DateTimeOffset.UtcNow;
        var action = await BlankAsync(ActionScope.Device, deviceId, null, TimeSpan.FromMinutes(5));
        var blankedAt = await blanker.NextAsync("blank", Wait);
        Assert.Equal("Eyes on your teacher", blanker.Message);
        var released = DateTimeOffset.UtcNow;
        await Console.Store.TeacherActions.ReleaseAsync(action.Id, action.UserId, CancellationToken.None);
        var unblankedAt = await blanker.NextAsync("unblank", Wait);
        await stop.CancelAsync();
        await run.WaitAsync(Wait);

        output.WriteLine($"blank latency {(blankedAt - started).TotalMilliseconds:0} ms, unblank latency {(unblankedAt - released).TotalMilliseconds:0} ms");
        Assert.InRange((blankedAt - started).TotalMilliseconds, 0, 1000);
        Assert.InRange((unblankedAt - released).TotalMilliseconds, 0, 1000);
    }

    [Fact]
    public async Task RunAsync_RoomBlankActiveWhileDisconnected_ReappliedOnEachConnect()
    {
        var (identity, report) = await EnrolAsync("Reconnect1");
        await BlankAsync(ActionScope.Room, null, identity.RoomId, TimeSpan.FromMinutes(5));
        var blanker = new RecordingBlanker();
        var connection = Connection(blanker, report);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var stop = new CancellationTokenSource();
            var run = connection.RunAsync(identity, stop.Token);
            await blanker.NextAsync("blank", Wait);
            await stop.CancelAsync();
            await run.WaitAsync(Wait);
        }

        Assert.Equal(2, connection.Connections);
    }

    [Fact]
    public async Task RunAsync_BlankExpires_Unblanked()
    {
        var (identity, report) = await EnrolAsync("Expire1");
        var (_, deviceId) = await DeviceOfAsync(identity);
        var blanker = new RecordingBlanker();
        using var stop = new CancellationTokenSource();
        var connection = Connection(blanker, report);
        var run = connection.RunAsync(identity, stop.Token);
        await WaitConnectedAsync(connection);

        var action = await BlankAsync(ActionScope.Device, deviceId, null, TimeSpan.FromSeconds(2));
        await blanker.NextAsync("blank", Wait);
        var unblankedAt = await blanker.NextAsync("unblank", Wait);
        await stop.CancelAsync();
        await run.WaitAsync(Wait);

        Assert.InRange((unblankedAt - action.ExpiresAt).TotalMilliseconds, -50, 1000);
    }

    [Fact]
    public async Task RunAsync_Connected_HeartbeatRecordsUserAndAddress()
    {
        var (identity, enrolled) = await EnrolAsync("Beat1");
        var (_, deviceId) = await DeviceOfAsync(identity);
        using var stop = new CancellationTokenSource();
        var run = Connection(new RecordingBlanker(), enrolled with { User = "jsmith", Ips = ["10.9.8.7"] }).RunAsync(identity, stop.Token);

        Device? device = null;
        for (var i = 0; i < 100 && device?.DisplayName != "jsmith"; i++)
        {
            await Task.Delay(50);
            device = await Console.Store.Devices.GetAsync(deviceId, CancellationToken.None);
        }

        await stop.CancelAsync();
        await run.WaitAsync(Wait);
        Assert.Equal("jsmith", device!.DisplayName);
        Assert.Contains("10.9.8.7", device.Ips);
    }

    [Fact]
    public async Task RunAsync_HeartbeatClaimsAnotherDevicesMac_Ignored()
    {
        var (victim, victimReport) = await EnrolAsync("Victim1");
        var (victimRoom, victimId) = await DeviceOfAsync(victim);
        var (identity, enrolled) = await EnrolAsync("Spoof1");
        using var stop = new CancellationTokenSource();
        var connection = Connection(new RecordingBlanker(), enrolled with { Macs = victimReport.Macs, Hostname = "renamed", User = "mallory" });

        var run = connection.RunAsync(identity, stop.Token);
        await WaitConnectedAsync(connection);
        await Task.Delay(500); // the heartbeat is sent at once on connect
        await stop.CancelAsync();
        await run.WaitAsync(Wait);

        var device = await Console.Store.Devices.GetAsync(victimId, CancellationToken.None);
        Assert.Equal(("pc-Victim1", "pupil", (long?)victimRoom), (device!.Hostname, device.DisplayName, device.RoomId));
    }

    [Fact]
    public async Task EnrolAsync_DeviceAlreadyHasAnAgent_RefusedWithResetAdviceAndDeviceKept()
    {
        var (first, report) = await EnrolAsync("Again1");
        var (firstRoom, deviceId) = await DeviceOfAsync(first);
        var (_, _, otherToken) = await Console.RoomWithTokenAsync("Again2");

        var refused = await Assert.ThrowsAsync<EnrolmentException>(() => Enroller().EnrolAsync(Console.Url, otherToken, null, report with { Hostname = "taken" }, CancellationToken.None));

        Assert.Contains("reset its agent", refused.Message, StringComparison.Ordinal);
        var device = await Console.Store.Devices.GetAsync(deviceId, CancellationToken.None);
        Assert.Equal((firstRoom, "pc-Again1"), (device!.RoomId, device.Hostname));
    }

    [Fact]
    public async Task RunAsync_AgentResetWhileConnected_ConnectionEndsAndStaysRefused()
    {
        var (identity, enrolled) = await EnrolAsync("Reset1");
        var (_, deviceId) = await DeviceOfAsync(identity);
        var hub = Console.Services.GetRequiredService<ClassroomGuard.Console.Agents.AgentBlankState>();
        using var stop = new CancellationTokenSource();
        var options = Microsoft.Extensions.Options.Options.Create(new AgentOptions
        {
            ConsoleUrl = "https://127.0.0.1:1",
            StatePath = "/nonexistent/agent.json",
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        });
        var connection = new AgentConnection(options, new BlankController(new RecordingBlanker(), TimeProvider.System, NullLogger<BlankController>.Instance), TimeProvider.System, NullLogger<AgentConnection>.Instance)
        {
            Report = () => enrolled,
        };
        var run = connection.RunAsync(identity, stop.Token);
        await WaitConnectedAsync(connection);
        Assert.Contains(deviceId, hub.ConnectedDevices);

        Assert.Equal(1, await Console.Store.AgentCredentials.RevokeForDeviceAsync(deviceId, CancellationToken.None));
        for (var i = 0; i < 100 && hub.ConnectedDevices.Contains(deviceId); i++)
        {
            await Task.Delay(100); // the next heartbeat (5 s) finds the credential revoked
        }

        Assert.DoesNotContain(deviceId, hub.ConnectedDevices);
        await Task.Delay(1000); // reconnect attempts are refused
        Assert.DoesNotContain(deviceId, hub.ConnectedDevices);
        Assert.Equal(1, connection.Connections);
        await stop.CancelAsync();
        await run.WaitAsync(Wait);
    }

    private static AgentReport NewReport(string hostname)
    {
        var n = Interlocked.Increment(ref nextMac);
        return new AgentReport(hostname, [$"02:00:00:00:{n / 256:x2}:{n % 256:x2}"], [], "pupil");
    }

    private static AgentEnroller Enroller() => new(NullLogger<AgentEnroller>.Instance);

    private static IOptions<AgentOptions> Options() => Microsoft.Extensions.Options.Options.Create(new AgentOptions
    {
        ConsoleUrl = "https://127.0.0.1:1",
        StatePath = "/nonexistent/agent.json",
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    });

    private static AgentConnection Connection(IScreenBlanker blanker, AgentReport report)
        => new(Options(), new BlankController(blanker, TimeProvider.System, NullLogger<BlankController>.Instance), TimeProvider.System, NullLogger<AgentConnection>.Instance)
        {
            Report = () => report,
        };

    private static async Task WaitConnectedAsync(AgentConnection connection)
    {
        for (var i = 0; i < 200 && connection.Connections == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(1, connection.Connections);
    }

    private async Task<(AgentIdentity Identity, AgentReport Report)> EnrolAsync(string roomName)
    {
        var (_, _, token) = await Console.RoomWithTokenAsync(roomName);
        var report = NewReport("pc-" + roomName);
        return (await Enroller().EnrolAsync(Console.Url, token, null, report, CancellationToken.None), report);
    }

    private async Task<(long RoomId, long DeviceId)> DeviceOfAsync(AgentIdentity identity)
        => (identity.RoomId, Assert.Single(await Console.Store.Devices.ListAsync(identity.RoomId, CancellationToken.None)).Id);

    private async Task<TeacherAction> BlankAsync(ActionScope scope, long? deviceId, long? roomId, TimeSpan lifetime)
    {
        var teacher = await Console.UserAsync("teacher-" + Guid.NewGuid().ToString("N")[..8], Role.Teacher);
        return await Console.Store.TeacherActions.StartAsync(
            new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "test", scope, deviceId, roomId, DateTimeOffset.UtcNow + lifetime), CancellationToken.None);
    }
}

/// <summary>One real console for all agent tests of a class (starting it takes a moment).</summary>
public sealed class ConsoleServerFixture : IAsyncLifetime
{
    internal ConsoleServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ConsoleServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
