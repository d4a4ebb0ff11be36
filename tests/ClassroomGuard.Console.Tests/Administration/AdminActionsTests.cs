using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

/// <summary>
/// The administration rules, at the service the pages call (no endpoint, no page): who may do what, each refusal with
/// its reason and the form field it concerns, and what is stored and audited.
/// </summary>
public sealed class AdminActionsTests : IDisposable
{
    private readonly AdminTestContext context = new();

    private static CancellationToken Token => AdminTestContext.Token;

    private StateStore Store => context.Store;

    private AdminActions Actions => context.Actions;

    public void Dispose() => context.Dispose();

    [Fact]
    public async Task CreateUser_ByTechnician_StoredWithRolesMustChangePasswordAndAudited()
    {
        var tech = await TechnicianAsync();

        var result = await Actions.CreateUserAsync(tech, "j.smith", "Jo Smith", [Role.Teacher, Role.SafeguardingLead], "kettle umbrella marmalade", Token);

        Assert.True(result.Succeeded);
        Assert.Equal("Created j.smith. They will choose their own password when they first sign in.", result.Message);
        var user = await Store.Users.FindByNameAsync("j.smith", Token);
        Assert.Equal([Role.Teacher, Role.SafeguardingLead], user!.Roles.Order());
        Assert.True(user.MustChangePassword);
        var audit = Assert.Single(await Store.AdminAudit.ListAsync(50, Token));
        Assert.Equal(("user.create", "user 'j.smith'", "admin.tech"), (audit.Action, audit.Target, audit.ActorName));
    }

    [Theory]
    [InlineData("x", "Full Name", "kettle umbrella marmalade", "A user name is 2 to 32 letters", AdminFields.UserName)]
    [InlineData("bad name!", "Full Name", "kettle umbrella marmalade", "A user name is 2 to 32 letters", AdminFields.UserName)]
    [InlineData("good.name", "", "kettle umbrella marmalade", "Enter a display name.", AdminFields.DisplayName)]
    [InlineData("good.name", "Full Name", "short", "A password is at least 12 characters", AdminFields.Password)]
    [InlineData("good.name", "Full Name", "password1234", "too easy to guess", AdminFields.Password)]
    [InlineData("good.name", "Full Name", "good.name-and-more", "must not contain the user name", AdminFields.Password)]
    public async Task CreateUser_Invalid_RefusedWithTheReasonAgainstItsField(string userName, string displayName, string password, string reason, string field)
    {
        var tech = await TechnicianAsync();

        var result = await Actions.CreateUserAsync(tech, userName, displayName, [Role.Teacher], password, Token);

        Assert.False(result.Succeeded);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Equal(field, result.Field);
        Assert.Null(await Store.Users.FindByNameAsync("good.name", Token));
    }

    [Fact]
    public async Task CreateUser_DuplicateOrNoRole_RefusedWithTheReason()
    {
        var tech = await TechnicianAsync();

        var duplicate = await Actions.CreateUserAsync(tech, "ADMIN.TECH", "Again", [Role.Teacher], "kettle umbrella marmalade", Token);
        var noRole = await Actions.CreateUserAsync(tech, "no.role", "No Role", [], "kettle umbrella marmalade", Token);

        Assert.Equal(AdminResult.Refused("A user named 'ADMIN.TECH' already exists.", AdminFields.UserName), duplicate);
        Assert.Equal(AdminResult.Refused("Tick at least one role.", AdminFields.Roles), noRole);
    }

    [Fact]
    public async Task Technician_GrantAdministratorOrTouchAnAdministrator_Refused()
    {
        var tech = await TechnicianAsync();
        var boss = await context.UserAsync("admin.boss", "The Boss", Role.Administrator);

        var grant = await Actions.CreateUserAsync(tech, "would.be", "Would Be", [Role.Administrator], "kettle umbrella marmalade", Token);
        var disable = await Actions.SetDisabledAsync(tech, boss.Id, true, Token);
        var reset = await Actions.ResetPasswordAsync(tech, boss.Id, "a brand new passphrase", Token);

        Assert.Equal("Only an administrator can make someone an administrator.", grant.Message);
        Assert.Equal("Only an administrator can change an administrator's account.", disable.Message);
        Assert.False(reset.Succeeded);
        Assert.False((await Store.Users.GetAsync(boss.Id, Token))!.Disabled);
    }

    [Fact]
    public async Task Administrator_DisableSelfOrDropLastAdministratorRole_Refused()
    {
        var only = await context.UserAsync("only.admin", "Only Admin", Role.Administrator);
        var admin = AdminTestContext.Actor(only);

        var disable = await Actions.SetDisabledAsync(admin, only.Id, true, Token);
        var demote = await Actions.SetRolesAsync(admin, only.Id, [Role.Technician], Token);

        Assert.Equal("You cannot disable your own account.", disable.Message);
        Assert.Contains("is the last enabled administrator", demote.Message, StringComparison.Ordinal);
        Assert.Equal(AdminFields.Roles, demote.Field);
        var after = await Store.Users.GetAsync(only.Id, Token);
        Assert.False(after!.Disabled);
        Assert.Equal([Role.Administrator], after.Roles);
    }

    [Fact]
    public async Task Technician_DisablesResetsAndChangesRolesOfATeacher_TakesEffect()
    {
        var tech = await TechnicianAsync();
        var teacher = await context.UserAsync("teacher.reset", "Tom Teacher", Role.Teacher);

        var reset = await Actions.ResetPasswordAsync(tech, teacher.Id, "a brand new passphrase", Token);
        var roles = await Actions.SetRolesAsync(tech, teacher.Id, [Role.Teacher, Role.SafeguardingLead], Token);
        var disabled = await Actions.SetDisabledAsync(tech, teacher.Id, true, Token);

        Assert.StartsWith("Password of teacher.reset reset", reset.Message, StringComparison.Ordinal);
        Assert.Equal("teacher.reset now holds: Teacher and Safeguarding lead.", roles.Message);
        Assert.Equal("teacher.reset is disabled and signed out.", disabled.Message);
        var after = (await Store.Users.GetAsync(teacher.Id, Token))!;
        Assert.True(after.Disabled);
        Assert.True(after.MustChangePassword);
        Assert.Equal(["user.disable", "user.roles", "user.password_reset"], (await Store.AdminAudit.ListAsync(10, Token)).Select(a => a.Action));
    }

    [Fact]
    public async Task CreateSiteAndRoom_DuplicateOrBlankRefusedAgainstTheField_RemoveAudited()
    {
        var tech = await TechnicianAsync();

        var site = await Actions.CreateSiteAsync(tech, "North Building", Token);
        var siteId = (await Store.Sites.ListSitesAsync(Token)).Single(s => s.Name == "North Building").Id;
        var room = await Actions.CreateRoomAsync(tech, siteId, "N12", Token);
        var again = await Actions.CreateRoomAsync(tech, siteId, "n12", Token);
        var empty = await Actions.CreateRoomAsync(tech, siteId, "  ", Token);
        var nowhere = await Actions.CreateRoomAsync(tech, 0, "N13", Token);

        Assert.Equal("Site North Building added.", site.Message);
        Assert.Equal("Room N12 added to North Building.", room.Message);
        Assert.Equal(AdminResult.Refused("A room named 'n12' already exists on North Building.", AdminFields.Name), again);
        Assert.Equal(AdminResult.Refused("Enter a room name.", AdminFields.Name), empty);
        Assert.Equal(AdminFields.SiteId, nowhere.Field);
        var n12 = Assert.Single(await Store.Sites.ListRoomsAsync(siteId, Token));

        var removed = await Actions.RemoveRoomAsync(tech, n12.Id, Token);
        var twice = await Actions.RemoveRoomAsync(tech, n12.Id, Token);

        Assert.True(removed.Succeeded);
        Assert.False(twice.Succeeded);
        Assert.Empty(await Store.Sites.ListRoomsAsync(siteId, Token));
        var audit = (await Store.AdminAudit.ListAsync(1, Token))[0];
        Assert.Equal(("room.remove", "room 'N12'", "site 'North Building'"), (audit.Action, audit.Target, audit.Detail));
    }

    [Fact]
    public async Task CreateToken_ShownOnceStoredHashedAndRevocable()
    {
        var tech = await TechnicianAsync();
        var room = await context.RoomAsync("Token Site", "T1");

        var (made, token) = await Actions.CreateTokenAsync(tech, room.Id, Token);

        Assert.True(made.Succeeded);
        Assert.Equal(43, token!.Secret.Length);
        var stored = Assert.Single(await Store.EnrolmentTokens.ListAsync(room.Id, Token));
        Assert.Equal(token.Secret[^4..], stored.Hint);
        Assert.DoesNotContain(token.Secret, await File.ReadAllTextAsync(context.StateOptions.Path + "-wal") + await File.ReadAllTextAsync(context.StateOptions.Path), StringComparison.Ordinal);

        var revoked = await Actions.RevokeTokenAsync(tech, stored.Id, Token);

        Assert.Equal("Token revoked: no agent can enrol with it any more.", revoked.Message);
        Assert.Null(await Store.EnrolmentTokens.RedeemAsync(token.Secret, Token));
    }

    [Fact]
    public async Task Device_AddedPutInARoom_GroupChangeNeedsASecondPerson()
    {
        var tech = await TechnicianAsync();
        var second = AdminTestContext.Actor(await context.UserAsync("admin.tech2", "Second Tech", Role.Technician));
        var room = await context.RoomAsync("Device Site", "D1");

        var added = await Actions.AddDeviceAsync(tech, "3c:22:fb:12:34:56", null, "LAPTOP-07", room.Id, Token);
        var device = (await Store.Devices.FindByMacAsync("3c:22:fb:12:34:56", Token))!;
        var bad = await Actions.AddDeviceAsync(tech, "not a mac", null, null, null, Token);
        var noReason = await Actions.ProposeDeviceGroupAsync(tech, device.Id, "ks3", " ", Token);
        var proposed = await Actions.ProposeDeviceGroupAsync(tech, device.Id, "ks3", "Year 8 laptop", Token);
        var changeId = (await Store.ChangeControl.GetPendingAsync(Token)).Single(p => p.Change is SetDeviceGroupChange d && d.DeviceId == device.Id).ChangeId;
        var selfApproval = await Actions.DecideChangeAsync(tech, changeId, approve: true, null, Token);
        var rejectWithoutReason = await Actions.DecideChangeAsync(second, changeId, approve: false, " ", Token);
        var approved = await Actions.DecideChangeAsync(second, changeId, approve: true, "Checked with the head of year", Token);

        Assert.Equal("Device LAPTOP-07 added.", added.Message);
        Assert.Equal(room.Id, device.RoomId);
        Assert.Equal(DeviceSource.Manual, device.Source);
        Assert.Equal(AdminFields.Address, bad.Field);
        Assert.Contains("Enter the device's MAC address", bad.Message, StringComparison.Ordinal);
        Assert.Equal(AdminFields.Reason, noReason.Field);
        Assert.Contains("proposed", proposed.Message, StringComparison.Ordinal);
        Assert.False(selfApproval.Succeeded);
        Assert.Contains("You proposed change", selfApproval.Message, StringComparison.Ordinal);
        Assert.Contains("someone other than its proposer", selfApproval.Message, StringComparison.Ordinal);
        Assert.Equal(AdminFields.Comment, rejectWithoutReason.Field);
        Assert.Equal($"Change {changeId} approved and applied.", approved.Message);
        var groups = (await Store.Policy.GetSnapshotAsync(Token)).Groups;
        Assert.Equal(groups.Single(g => g.Key == "ks3").Id, (await Store.Devices.GetAsync(device.Id, Token))!.GroupId);

        var moved = await Actions.SetDeviceRoomAsync(tech, device.Id, null, Token);

        Assert.Equal("LAPTOP-07 taken out of its room.", moved.Message);
        Assert.Null((await Store.Devices.GetAsync(device.Id, Token))!.RoomId);
        Assert.Equal("device 'LAPTOP-07'", (await Store.AdminAudit.ListAsync(1, Token))[0].Target);
    }

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task EveryAction_NotTechnicianOrAdministrator_RefusedAndNothingChanges(Role role)
    {
        var outsider = AdminTestContext.Actor(await context.UserAsync("outsider", "Out Sider", role));
        var victim = await context.UserAsync("victim", "Vic Tim", Role.Teacher);
        var room = await context.RoomAsync("Main", "R1");
        var revision = await Store.GetRevisionAsync(Token);

        AdminResult[] results =
        [
            await Actions.CreateUserAsync(outsider, "intruder", "Intruder", [Role.Teacher], "a long enough passphrase", Token),
            await Actions.SetRolesAsync(outsider, victim.Id, [Role.Administrator], Token),
            await Actions.SetDisabledAsync(outsider, victim.Id, true, Token),
            await Actions.ResetPasswordAsync(outsider, victim.Id, "a long enough passphrase", Token),
            await Actions.CreateSiteAsync(outsider, "Intruder site", Token),
            await Actions.CreateRoomAsync(outsider, room.SiteId, "Intruder room", Token),
            await Actions.RemoveRoomAsync(outsider, room.Id, Token),
            await Actions.AddDeviceAsync(outsider, "02:00:00:00:00:99", null, null, null, Token),
            (await Actions.CreateTokenAsync(outsider, room.Id, Token)).Result,
            await Actions.DecideChangeAsync(outsider, 1, true, null, Token),
        ];

        Assert.All(results, r => Assert.Equal(AdminResult.Refused("Only a technician or administrator can do that."), r));
        Assert.Equal(revision, await Store.GetRevisionAsync(Token));
        Assert.Empty(await Store.AdminAudit.ListAsync(10, Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => context.Queries.UsersAsync(outsider, null, new PageRequest(null, false, 0, 10), Token));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => context.Queries.AuditAsync(outsider, new AuditFilter(null, null, null, null), new PageRequest(null, false, 0, 10), Token));
    }

    [Fact]
    public async Task Action_ByATechnicianDisabledOrDemotedSinceSigningIn_Refused()
    {
        var admin = AdminTestContext.Actor(await context.UserAsync("the.admin", "The Admin", Role.Administrator));
        var tech = await TechnicianAsync(); // the session still says Technician
        var other = await TechnicianAsync("other.tech");
        await Actions.SetRolesAsync(admin, tech.Id, [Role.Teacher], Token);
        await Actions.SetDisabledAsync(admin, other.Id, true, Token);

        var demoted = await Actions.CreateSiteAsync(tech, "Demoted site", Token);
        var disabled = await Actions.CreateSiteAsync(other, "Disabled site", Token);

        Assert.Equal("Only a technician or administrator can do that.", demoted.Message);
        Assert.Equal("Only a technician or administrator can do that.", disabled.Message);
        Assert.Empty(await Store.Sites.ListSitesAsync(Token));
    }

    private async Task<ConsoleUser> TechnicianAsync(string userName = "admin.tech")
        => AdminTestContext.Actor(await context.UserAsync(userName, "Admin Tech", Role.Technician));
}
