using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Agents;

public sealed class AgentEndpointsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task BlankThenUnblank_TeacherWithToken_StartsAndReleasesRoomBlank()
    {
        var room = await RoomAsync("Blank-T");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-blank", Role.Teacher);
        var teacher = await ConsoleSession.Store(Factory).Users.FindByNameAsync("teacher-blank", CancellationToken.None);
        await ConsoleSession.Store(Factory).TeacherRooms.AssignAsync(teacher!.Id, room.Id, CancellationToken.None); // a teacher acts only in their rooms
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-blank");
        var roomId = room.Id.ToString(CultureInfo.InvariantCulture);

        using var blank = await session.PostRawAsync("/classroom/blank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", roomId), ("minutes", "30"));

        Assert.Equal(HttpStatusCode.Redirect, blank.StatusCode);
        Assert.Equal("/rooms/" + roomId, ConsoleSession.LocationOf(blank));
        var action = Assert.Single(await ActiveBlanksAsync(room.Id));
        Assert.Equal(30, (int)Math.Round((action.ExpiresAt - action.CreatedAt).TotalMinutes));

        using var unblank = await session.PostRawAsync("/classroom/unblank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", roomId));

        Assert.Equal(HttpStatusCode.Redirect, unblank.StatusCode);
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Blank_WithoutAntiforgeryToken_RefusedAndNothingStarted()
    {
        var room = await RoomAsync("Blank-F");
        await ConsoleSession.EnsureUserAsync(Factory, "teacher-forged", Role.Teacher);
        using var session = await ConsoleSession.SignInAsync(Factory, "teacher-forged");

        using var response = await session.PostRawAsync("/classroom/blank", ("roomId", room.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Blank_Governor_ForbiddenAndNothingStarted()
    {
        var room = await RoomAsync("Blank-G");
        await ConsoleSession.EnsureUserAsync(Factory, "governor-blank", Role.Governor);
        using var session = await ConsoleSession.SignInAsync(Factory, "governor-blank");

        using var response = await session.PostRawAsync("/classroom/blank", ("__RequestVerificationToken", await session.TokenAsync()), ("roomId", room.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.False(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect && ConsoleSession.LocationOf(response).StartsWith("/rooms", StringComparison.Ordinal));
        Assert.Empty(await ActiveBlanksAsync(room.Id));
    }

    [Fact]
    public async Task Enrol_UnknownToken_Forbidden()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.Client.PostAsJsonAsync("/api/agents/enrol", new { token = "not-a-token", hostname = "pc1", macs = new[] { "02:00:00:00:00:42" }, ips = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Enrol_DeviceThatHasAnAgent_ConflictUntilTechnicianResetsIt()
    {
        var store = ConsoleSession.Store(Factory);
        var (first, second) = (await RoomAsync("Enrol-1"), await RoomAsync("Enrol-2"));
        var technician = await ConsoleSession.UserAsync(Factory, "tech-reset", Role.Technician);
        var tokens = new List<string>();
        foreach (var room in new[] { first, second, second })
        {
            tokens.Add((await store.EnrolmentTokens.CreateAsync(room.Id, technician.Id, TimeSpan.FromHours(1), CancellationToken.None))!.Secret);
        }

        using var session = ConsoleSession.Anonymous(Factory);
        using var enrolled = await EnrolAsync(session, tokens[0], "02:00:00:00:07:01", "10.9.0.1", "pupil-pc");
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var device = (await store.Devices.FindByMacAsync("02:00:00:00:07:01", CancellationToken.None))!;

        // Someone with another room's token claims the device by its MAC, then by its address alone.
        using var byMac = await EnrolAsync(session, tokens[1], "02:00:00:00:07:01", "10.9.0.99", "intruder");
        using var byAddress = await EnrolAsync(session, tokens[1], null, "10.9.0.1", "intruder");

        Assert.Equal(HttpStatusCode.Conflict, byMac.StatusCode);
        Assert.Contains("reset its agent", await byMac.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, byAddress.StatusCode);
        var unchanged = (await store.Devices.GetAsync(device.Id, CancellationToken.None))!;
        Assert.Equal((first.Id, "pupil-pc"), (unchanged.RoomId, unchanged.Hostname));

        // The technician resets the agent (audited); the device can then be enrolled again, in the new room.
        var result = await Factory.Services.CreateScope().ServiceProvider.GetRequiredService<ClassroomGuard.Console.Administration.AgentReset>()
            .ResetAsync(ClassroomGuard.Console.Security.ConsoleUser.From(ClassroomGuard.Console.Security.ConsoleUser.CreatePrincipal(technician, DateTimeOffset.UtcNow)), device.Id, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
        Assert.Contains(await store.AdminAudit.ListAsync(20, CancellationToken.None), e => e.Action == "device.agent_reset" && e.ActorId == technician.Id);
        using var again = await EnrolAsync(session, tokens[2], "02:00:00:00:07:01", "10.9.0.1", "pupil-pc");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(second.Id, (await store.Devices.GetAsync(device.Id, CancellationToken.None))!.RoomId);
    }

    [Fact]
    public async Task AgentReset_Teacher_RefusedAndCredentialKept()
    {
        var store = ConsoleSession.Store(Factory);
        var teacher = await ConsoleSession.UserAsync(Factory, "teacher-reset", Role.Teacher);
        var device = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Agent, "02:00:00:00:07:02"), CancellationToken.None);
        await store.AgentCredentials.IssueAsync(device, null, CancellationToken.None);

        var result = await Factory.Services.CreateScope().ServiceProvider.GetRequiredService<ClassroomGuard.Console.Administration.AgentReset>()
            .ResetAsync(ClassroomGuard.Console.Security.ConsoleUser.From(ClassroomGuard.Console.Security.ConsoleUser.CreatePrincipal(teacher, DateTimeOffset.UtcNow)), device, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.True(await store.AgentCredentials.HasAgentAsync(device, CancellationToken.None));
    }

    [Fact]
    public async Task Hub_Anonymous_Unauthorized()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/hubs/agent");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static Task<HttpResponseMessage> EnrolAsync(ConsoleSession session, string token, string? mac, string ip, string hostname)
        => session.Client.PostAsJsonAsync("/api/agents/enrol", new { token, hostname, macs = mac is null ? Array.Empty<string>() : [mac], ips = new[] { ip } });

    private async Task<Room> RoomAsync(string name)
    {
        var store = ConsoleSession.Store(Factory);
        var site = (await store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        return await store.Sites.CreateRoomAsync(site.Id, name, CancellationToken.None);
    }

    private async Task<List<TeacherAction>> ActiveBlanksAsync(long roomId)
        => (await ConsoleSession.Store(Factory).TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, roomId, CancellationToken.None)).Where(a => a.Kind == TeacherActionKind.Blank).ToList();
}
