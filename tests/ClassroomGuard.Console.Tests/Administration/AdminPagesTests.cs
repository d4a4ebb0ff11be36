using System.Text.RegularExpressions;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

public sealed partial class AdminPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static CancellationToken Token => CancellationToken.None;

    private ConsoleFactory Factory => fixture.Factory;

    private StateStore Store => ConsoleSession.Store(Factory);

    [Fact]
    public async Task Technician_CreatesUser_StoredWithRolesMustChangePasswordAndAudited()
    {
        using var tech = await TechnicianAsync();

        var html = await tech.SubmitAsync("/admin/users", "create-user",
            ("Input.UserName", "j.smith"), ("Input.DisplayName", "Jo Smith"), ("Input.Teacher", "true"), ("Input.SafeguardingLead", "true"),
            ("Input.Password", "kettle umbrella marmalade"));

        Assert.Contains("Created j.smith.", html, StringComparison.Ordinal);
        var user = await Store.Users.FindByNameAsync("j.smith", Token);
        Assert.Equal([Role.Teacher, Role.SafeguardingLead], user!.Roles.Order());
        Assert.True(user.MustChangePassword);
        var audit = await Store.AdminAudit.ListAsync(50, Token);
        Assert.Contains(audit, a => a.Action == "user.create" && a.Target == "user 'j.smith'" && a.ActorName == "admin.tech");
        Assert.Contains("user.create", await tech.PageAsync("/admin/audit"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x", "Full Name", "kettle umbrella marmalade", "A user name is 2 to 32 letters")]
    [InlineData("bad name!", "Full Name", "kettle umbrella marmalade", "A user name is 2 to 32 letters")]
    [InlineData("good.name", "", "kettle umbrella marmalade", "Enter a display name.")]
    [InlineData("good.name", "Full Name", "short", "A password is at least 12 characters")]
    [InlineData("good.name", "Full Name", "password1234", "too easy to guess")]
    [InlineData("good.name", "Full Name", "good.name-and-more", "must not contain the user name")]
    public async Task CreateUser_Invalid_RefusedWithTheReason(string userName, string displayName, string password, string reason)
    {
        using var tech = await TechnicianAsync();

        var html = await tech.SubmitAsync("/admin/users", "create-user",
            ("Input.UserName", userName), ("Input.DisplayName", displayName), ("Input.Teacher", "true"), ("Input.Password", password));

        Assert.Contains(reason, html, StringComparison.Ordinal);
        Assert.Null(await Store.Users.FindByNameAsync("good.name", Token));
    }

    [Fact]
    public async Task CreateUser_DuplicateOrNoRole_RefusedWithTheReason()
    {
        using var tech = await TechnicianAsync();

        var duplicate = await tech.SubmitAsync("/admin/users", "create-user",
            ("Input.UserName", "ADMIN.TECH"), ("Input.DisplayName", "Again"), ("Input.Teacher", "true"), ("Input.Password", "kettle umbrella marmalade"));
        var noRole = await tech.SubmitAsync("/admin/users", "create-user",
            ("Input.UserName", "no.role"), ("Input.DisplayName", "No Role"), ("Input.Password", "kettle umbrella marmalade"));

        Assert.Contains("A user named 'ADMIN.TECH' already exists.", duplicate, StringComparison.Ordinal);
        Assert.Contains("Tick at least one role.", noRole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Technician_GrantAdministratorOrTouchAnAdministrator_Refused()
    {
        using var tech = await TechnicianAsync();
        await ConsoleSession.EnsureUserAsync(Factory, "admin.boss", Role.Administrator);
        var boss = (await Store.Users.FindByNameAsync("admin.boss", Token))!;

        var grant = await tech.SubmitAsync("/admin/users", "create-user",
            ("Input.UserName", "would.be"), ("Input.DisplayName", "Would Be"), ("Input.Administrator", "true"), ("Input.Password", "kettle umbrella marmalade"));
        var disable = await tech.SubmitAsync($"/admin/users/{boss.Id}", "status", ("Input.Disable", "true"));

        Assert.Contains("Only an administrator can make someone an administrator.", grant, StringComparison.Ordinal);
        Assert.Contains("Only an administrator can change an administrator's account.", disable, StringComparison.Ordinal);
        Assert.False((await Store.Users.GetAsync(boss.Id, Token))!.Disabled);
    }

    [Fact]
    public async Task Administrator_DisableSelfOrDropLastAdministratorRole_Refused()
    {
        // A console of its own: "last administrator" needs a store with exactly one.
        await using var factory = new ConsoleFactory(new Uri("http://127.0.0.1:9"));
        var only = await ConsoleSession.UserAsync(factory, "only.admin", Role.Administrator);
        using var admin = await ConsoleSession.SignInAsync(factory, "only.admin");

        var disable = await admin.SubmitAsync($"/admin/users/{only.Id}", "status", ("Input.Disable", "true"));
        var demote = await admin.SubmitAsync($"/admin/users/{only.Id}", "roles", ("Input.Technician", "true"));

        Assert.Contains("You cannot disable your own account.", disable, StringComparison.Ordinal);
        Assert.Contains("is the last enabled administrator", demote, StringComparison.Ordinal);
        var after = await ConsoleSession.Store(factory).Users.GetAsync(only.Id, Token);
        Assert.False(after!.Disabled);
        Assert.Equal([Role.Administrator], after.Roles);
    }

    [Fact]
    public async Task Technician_DisablesAndResetsATeacher_TakesEffect()
    {
        using var tech = await TechnicianAsync();
        var teacher = await ConsoleSession.UserAsync(Factory, "teacher.reset", Role.Teacher);

        var reset = await tech.SubmitAsync($"/admin/users/{teacher.Id}", "reset", ("Input.Password", "a brand new passphrase"));
        var disabled = await tech.SubmitAsync($"/admin/users/{teacher.Id}", "status", ("Input.Disable", "true"));

        Assert.Contains("Password of teacher.reset reset", reset, StringComparison.Ordinal);
        Assert.Contains("teacher.reset is disabled", disabled, StringComparison.Ordinal);
        var after = (await Store.Users.GetAsync(teacher.Id, Token))!;
        Assert.True(after.Disabled);
        Assert.True(after.MustChangePassword);
    }

    [Fact]
    public async Task Technician_CreatesSiteAndRoom_DuplicateRoomRefused()
    {
        using var tech = await TechnicianAsync();

        var site = await tech.SubmitAsync("/admin/rooms", "create-site", ("Input.Name", "North Building"));
        var siteId = (await Store.Sites.ListSitesAsync(Token)).Single(s => s.Name == "North Building").Id;
        var room = await tech.SubmitAsync("/admin/rooms", "create-room", ("Input.SiteId", $"{siteId}"), ("Input.Name", "N12"));
        var again = await tech.SubmitAsync("/admin/rooms", "create-room", ("Input.SiteId", $"{siteId}"), ("Input.Name", "n12"));
        var empty = await tech.SubmitAsync("/admin/rooms", "create-room", ("Input.SiteId", $"{siteId}"), ("Input.Name", "  "));

        Assert.Contains("Site North Building added.", site, StringComparison.Ordinal);
        Assert.Contains("Room N12 added to North Building.", room, StringComparison.Ordinal);
        Assert.Contains("A room named 'n12' already exists on North Building.", again, StringComparison.Ordinal);
        Assert.Contains("Enter a room name.", empty, StringComparison.Ordinal);
        Assert.Single(await Store.Sites.ListRoomsAsync(siteId, Token));
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
    public async Task Technician_MakesToken_ShownOnceStoredHashedAndRevocable()
    {
        using var tech = await TechnicianAsync();
        var room = await RoomAsync("Token Site", "T1");

        var made = await tech.SubmitAsync($"/admin/rooms/{room.Id}", "create-token");

        var secret = TokenShown().Match(made).Groups["t"].Value;
        Assert.Equal(43, secret.Length);
        var stored = Assert.Single(await Store.EnrolmentTokens.ListAsync(room.Id, Token));
        Assert.Equal(secret[^4..], stored.Hint);
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(Factory.StatePath + "-wal") + await File.ReadAllTextAsync(Factory.StatePath), StringComparison.Ordinal);
        Assert.Equal(room.Id, (await Store.EnrolmentTokens.RedeemAsync(secret, Token))!.RoomId);
        var later = await tech.PageAsync($"/admin/rooms/{room.Id}");
        Assert.DoesNotContain(secret, later, StringComparison.Ordinal);
        Assert.Contains("…" + stored.Hint, System.Net.WebUtility.HtmlDecode(later), StringComparison.Ordinal);

        var revoked = await tech.SubmitAsync($"/admin/rooms/{room.Id}", $"revoke-{stored.Id}");

        Assert.Contains("Token revoked", revoked, StringComparison.Ordinal);
        Assert.Null(await Store.EnrolmentTokens.RedeemAsync(secret, Token));
    }

    [Fact]
    public async Task Technician_AddsDeviceAndPutsItInARoom_GroupChangeNeedsASecondPerson()
    {
        using var tech = await TechnicianAsync();
        await ConsoleSession.EnsureUserAsync(Factory, "admin.tech2", Role.Technician);
        using var second = await ConsoleSession.SignInAsync(Factory, "admin.tech2");
        var room = await RoomAsync("Device Site", "D1");

        var added = await tech.SubmitAsync("/admin/devices", "add-device", ("Input.Hostname", "LAPTOP-07"), ("Input.Mac", "3c:22:fb:12:34:56"), ("Input.RoomId", $"{room.Id}"));
        var device = (await Store.Devices.FindByMacAsync("3c:22:fb:12:34:56", Token))!;
        var bad = await tech.SubmitAsync("/admin/devices", "add-device", ("Input.Mac", "not a mac"));
        var proposed = await tech.SubmitAsync("/admin/devices", $"group-{device.Id}", ("Input.GroupKey", "ks3"), ("Input.Reason", "Year 8 laptop"));
        var changeId = (await Store.ChangeControl.GetPendingAsync(Token)).Single(p => p.Change is SetDeviceGroupChange d && d.DeviceId == device.Id).ChangeId;
        var selfApproval = await tech.SubmitAsync("/admin/changes", $"decide-{changeId}", ("Input.Decision", "approve"));
        var approved = await second.SubmitAsync("/admin/changes", $"decide-{changeId}", ("Input.Decision", "approve"));

        Assert.Contains("Device LAPTOP-07 added.", added, StringComparison.Ordinal);
        Assert.Equal(room.Id, device.RoomId);
        Assert.Equal(DeviceSource.Manual, device.Source);
        Assert.Contains("Enter the device's MAC address", bad, StringComparison.Ordinal);
        Assert.Contains("proposed", proposed, StringComparison.Ordinal);
        Assert.Contains("someone other than its proposer", selfApproval, StringComparison.Ordinal);
        Assert.Contains($"Change {changeId} approved and applied.", approved, StringComparison.Ordinal);
        var groups = (await Store.Policy.GetSnapshotAsync(Token)).Groups;
        Assert.Equal(groups.Single(g => g.Key == "ks3").Id, (await Store.Devices.GetAsync(device.Id, Token))!.GroupId);

        var moved = await tech.SubmitAsync("/admin/devices", $"room-{device.Id}", ("Input.RoomId", string.Empty));
        Assert.Contains("Device taken out of its room.", moved, StringComparison.Ordinal);
        Assert.Null((await Store.Devices.GetAsync(device.Id, Token))!.RoomId);
    }

    [Fact]
    public async Task Teacher_RoomsPage_ListsRoomsAndOpensOne()
    {
        var room = await RoomAsync("Teaching Site", "Science 3");
        await ConsoleSession.EnsureUserAsync(Factory, "rooms.teacher", Role.Teacher);
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

    private async Task<Room> RoomAsync(string site, string room)
    {
        var created = await Store.Sites.CreateSiteAsync(site, Token);
        return await Store.Sites.CreateRoomAsync(created.Id, room, Token);
    }

    [GeneratedRegex("data-token>(?<t>[A-Za-z0-9_-]+)</code>")]
    private static partial Regex TokenShown();
}
