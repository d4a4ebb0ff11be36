using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Unblocking;

/// <summary>The approvals page and the menu's link over HTTP, for every role, on the real console.</summary>
public sealed class UnblockPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private ConsoleFactory Factory => fixture.Factory;

    [Fact]
    public async Task ApprovalsPage_Anonymous_RedirectsToSignIn()
    {
        using var session = ConsoleSession.Anonymous(Factory);

        using var response = await session.GetAsync("/unblock-requests");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin?", ConsoleSession.LocationOf(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    public async Task ApprovalsPage_TeacherOrGovernor_Is403AndTheMenuHasNoLink(Role role)
    {
        var name = "unblock.page." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        using var session = await ConsoleSession.SignInAsync(Factory, name);

        using var response = await session.GetAsync("/unblock-requests");
        var home = await session.PageAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("href=\"/unblock-requests\"", home, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task ApprovalsPage_Approver_OpensAndTheMenuLinksToIt(Role role)
    {
        var name = "unblock.page." + role.ToString().ToLowerInvariant();
        await ConsoleSession.EnsureUserAsync(Factory, name, role);
        using var session = await ConsoleSession.SignInAsync(Factory, name);

        var html = await session.PageAsync("/unblock-requests");

        Assert.Contains(">Unblock requests</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Waiting for a decision", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/unblock-requests\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SafeguardingLeadHome_ShowsTheWaitingCount()
    {
        var store = ConsoleSession.Store(Factory);
        var site = await store.Sites.CreateSiteAsync("Unblock home site", CancellationToken.None);
        var room = await store.Sites.CreateRoomAsync(site.Id, "Unblock home room", CancellationToken.None);
        var teacher = await ConsoleSession.UserAsync(Factory, "unblock.home.teacher", Role.Teacher);
        var now = DateTimeOffset.UtcNow;
        var asked = await store.UnblockRequests.RequestAsync(
            new NewUnblockRequest(teacher.Id, "poki.com", "Maths game", ActionScope.Room, null, room.Id, now, now.AddMinutes(30)), CancellationToken.None);
        Assert.NotNull(asked.Request);
        await ConsoleSession.EnsureUserAsync(Factory, "unblock.home.dsl", Role.SafeguardingLead);
        using var session = await ConsoleSession.SignInAsync(Factory, "unblock.home.dsl");

        var html = await session.PageAsync("/");

        Assert.Contains("Waiting for your decision", html, StringComparison.Ordinal);
        Assert.Matches("id=\"home-unblock-count\"[^>]*data-count=\"[1-9]", html);
    }

    [Fact]
    public void ClassroomSettings_Defaults_AreALessonOfAnHourAndTheDayEndsAt16()
    {
        var options = Factory.Services.GetRequiredService<IOptions<ClassroomOptions>>().Value;

        Assert.Equal((TimeSpan.FromHours(1), new TimeOnly(16, 0)), (options.LessonLength, options.SchoolDayEnd));
    }
}
