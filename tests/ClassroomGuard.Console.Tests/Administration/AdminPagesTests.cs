using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

/// <summary>
/// The administration pages over HTTP: a technician gets each one (prerendered, then interactive), and a form post can
/// change nothing. Their rules are tested at the service (<see cref="AdminActionsTests"/>) and their components with
/// bUnit (<see cref="AdminComponentTests"/>); the role refusals (403) are in Security/AuthorizationTests.
/// </summary>
public sealed class AdminPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static CancellationToken Token => CancellationToken.None;

    private ConsoleFactory Factory => fixture.Factory;

    private StateStore Store => ConsoleSession.Store(Factory);

    public static TheoryData<string, string> Pages => new()
    {
        { "/admin/users", "Users" },
        { "/admin/rooms", "Rooms &amp; agent enrolment" },
        { "/admin/devices", "Devices" },
        { "/admin/changes", "Changes waiting for approval" },
        { "/admin/audit", "Audit log" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Technician_GetsEachAdministrationPage_WithItsHeadingInteractively(string path, string heading)
    {
        using var tech = await TechnicianAsync();

        var html = await tech.PageAsync(path);

        Assert.Contains($">{heading}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<!--Blazor:{", html, StringComparison.Ordinal); // an interactive server component, not a static form page
    }

    [Fact]
    public async Task Technician_GetsAUserAndARoom_ByTheirNames()
    {
        using var tech = await TechnicianAsync();
        var teacher = await ConsoleSession.UserAsync(Factory, "pages.teacher", Role.Teacher);
        var site = await Store.Sites.CreateSiteAsync("Pages Site", Token);
        var room = await Store.Sites.CreateRoomAsync(site.Id, "P1", Token);

        var user = await tech.PageAsync($"/admin/users/{teacher.Id}");
        var enrolment = await tech.PageAsync($"/admin/rooms/{room.Id}");
        var missing = await tech.PageAsync("/admin/rooms/999999");

        Assert.Contains($">{teacher.DisplayName}</h1>", user, StringComparison.Ordinal);
        Assert.Contains(">P1: agent enrolment</h1>", enrolment, StringComparison.Ordinal);
        Assert.Contains(">No such room</h1>", missing, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AdministrationPost_MissingOrForeignAntiforgeryToken_Is400AndChangesNothing(bool foreignToken)
    {
        using var tech = await TechnicianAsync();
        using var stranger = ConsoleSession.Anonymous(Factory);
        var fields = new List<(string, string)> { ("_handler", "create-site"), ("Input.Name", "Forged site") };
        if (foreignToken)
        {
            // A token another browser was given (as a forging site might obtain): bound to that browser, so refused.
            fields.Add(("__RequestVerificationToken", await stranger.TokenAsync()));
        }

        using var response = await tech.PostRawAsync("/admin/rooms", [.. fields]);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await Store.Sites.ListSitesAsync(Token), s => s.Name == "Forged site");
    }

    [Fact]
    public async Task Teacher_RoomsPage_ListsRoomsAndOpensOne()
    {
        var site = await Store.Sites.CreateSiteAsync("Teaching Site", Token);
        var room = await Store.Sites.CreateRoomAsync(site.Id, "Science 3", Token);
        await ConsoleSession.EnsureUserAsync(Factory, "rooms.teacher", Role.Teacher);
        await ConsoleSession.AssignRoomsAsync(Factory, "rooms.teacher", room);
        using var teacher = await ConsoleSession.SignInAsync(Factory, "rooms.teacher");

        var list = await teacher.PageAsync("/rooms");
        var page = await teacher.PageAsync($"/rooms/{room.Id}");

        Assert.Contains($"href=\"/rooms/{room.Id}\"", list, StringComparison.Ordinal);
        Assert.Contains(">Science 3</h1>", page, StringComparison.Ordinal);
    }

    private async Task<ConsoleSession> TechnicianAsync()
    {
        await ConsoleSession.EnsureUserAsync(Factory, "admin.tech", Role.Technician);
        return await ConsoleSession.SignInAsync(Factory, "admin.tech");
    }
}
