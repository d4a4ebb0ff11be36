using Bunit;
using ClassroomGuard.Console.Components.Pages.Administration.Audit;
using ClassroomGuard.Console.Components.Pages.Administration.Changes;
using ClassroomGuard.Console.Components.Pages.Administration.Devices;
using ClassroomGuard.Console.Components.Pages.Administration.Rooms;
using ClassroomGuard.Console.Components.Pages.Administration.Users;
using ClassroomGuard.Storage.State;
using MudBlazor;

namespace ClassroomGuard.Console.Tests.Administration;

/// <summary>
/// Each administration page rendered as a component (bUnit) over a real state database, signed in as a technician:
/// the grid shows words, forms show each refusal beside its field, destructive actions ask first.
/// </summary>
public sealed class AdminComponentTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AdminTestContext school = new();

    private static CancellationToken Token => AdminTestContext.Token;

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Users_GridInWords_AddUserShowsEachRefusalBesideItsField_ThenAdds()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        await school.UserAsync("anna.smith", "Anna Smith", Role.Teacher, Role.SafeguardingLead);
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Users>();

        page.WaitForAssertion(() => Assert.Contains("Teacher and Safeguarding lead", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("href=\"/admin/users/", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("SafeguardingLead", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Add a user", StringComparison.Ordinal)).Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("form")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Contains("A user name is 2 to 32 letters", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("Enter a display name.", dialogs.Markup, StringComparison.Ordinal);

        var inputs = dialogs.FindAll("input:not([type=checkbox])");
        await dialogs.InvokeAsync(() => inputs[0].Input("anna.smith"));
        await dialogs.InvokeAsync(() => dialogs.FindAll("input:not([type=checkbox])")[1].Input("Another Anna"));
        await dialogs.InvokeAsync(() => dialogs.FindAll("input:not([type=checkbox])")[2].Input("kettle umbrella marmalade"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Contains("A user named 'anna.smith' already exists.", dialogs.Markup, StringComparison.Ordinal), Wait);

        await dialogs.InvokeAsync(() => dialogs.FindAll("input:not([type=checkbox])")[0].Input("jo.new"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("form")), Wait);
        var created = await school.Store.Users.FindByNameAsync("jo.new", Token);
        Assert.Equal([Role.Teacher], created!.Roles);
        page.WaitForAssertion(() => Assert.Contains("Another Anna", page.Markup, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task UserDetail_Disable_AsksFirstThenDisables()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var teacher = await school.UserAsync("tom.teacher", "Tom Teacher", Role.Teacher);
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<UserDetail>(p => p.Add(x => x.UserId, teacher.Id));

        page.WaitForAssertion(() => Assert.Contains("Tom Teacher", page.Find("h1").TextContent, StringComparison.Ordinal), Wait);
        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Disable the account", StringComparison.Ordinal)).Click());
        dialogs.WaitForAssertion(() => Assert.Contains("signed out at once", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.False((await school.Store.Users.GetAsync(teacher.Id, Token))!.Disabled); // nothing happens before the confirmation

        await dialogs.InvokeAsync(() => dialogs.Find("[data-confirm]").Click());

        page.WaitForAssertion(() => Assert.Contains("Enable the account", page.Markup, StringComparison.Ordinal), Wait);
        Assert.True((await school.Store.Users.GetAsync(teacher.Id, Token))!.Disabled);
    }

    [Fact]
    public async Task UserDetail_ResetPassword_RuleShownBesideTheField()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var teacher = await school.UserAsync("tom.teacher", "Tom Teacher", Role.Teacher);
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<UserDetail>(p => p.Add(x => x.UserId, teacher.Id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("input[type=password]")), Wait);

        await page.InvokeAsync(() => page.Find("input[type=password]").Input("tom.teacher-2026"));
        await page.InvokeAsync(() => page.FindAll("form")[1].Submit());

        page.WaitForAssertion(() => Assert.Contains("A password must not contain the user name.", page.Markup, StringComparison.Ordinal), Wait);
        Assert.False((await school.Store.Users.GetAsync(teacher.Id, Token))!.MustChangePassword);
    }

    [Fact]
    public async Task RoomAdmin_MakeToken_ShowsTokenOnceAndTheFullEnrolCommandWithThePin()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var room = await school.RoomAsync("Main", "IT1");
        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        var page = ctx.Render<RoomAdmin>(p => p.Add(x => x.RoomId, room.Id));
        page.WaitForAssertion(() => Assert.Contains("No tokens yet", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Make an enrolment token", StringComparison.Ordinal)).Click());

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-command]")), Wait);
        var secret = page.Find("[data-token]").TextContent;
        Assert.Equal(43, secret.Length);
        Assert.Equal($"sudo classroomguard-agent-enrol --console http://localhost --token {secret} --pin {school.Pin}", page.Find("[data-command]").TextContent);
        Assert.Contains("replace it in the command", page.Markup, StringComparison.Ordinal); // localhost is no use to a pupil device
        Assert.Equal(secret[^4..], Assert.Single(await school.Store.EnrolmentTokens.ListAsync(room.Id, Token)).Hint);

        var again = ctx.Render<RoomAdmin>(p => p.Add(x => x.RoomId, room.Id));
        again.WaitForAssertion(() => Assert.Contains("…" + secret[^4..], again.Markup, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain(secret, again.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoomAdmin_Revoke_AsksFirstThenRevokes()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var room = await school.RoomAsync("Main", "IT1");
        var token = await school.Store.EnrolmentTokens.CreateAsync(room.Id, tech.Id, TimeSpan.FromDays(1), Token);
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<RoomAdmin>(p => p.Add(x => x.RoomId, room.Id));
        page.WaitForAssertion(() => Assert.Contains("Usable", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("No more devices can enrol", dialogs.Markup, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-confirm]").Click());

        page.WaitForAssertion(() => Assert.Contains("Revoked", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Null(await school.Store.EnrolmentTokens.RedeemAsync(token!.Secret, Token));
    }

    [Fact]
    public async Task RoomsAdmin_AddRoomRefusalBesideTheField_RemoveAsksFirst()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var room = await school.RoomAsync("Main", "IT1");
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        ctx.Render<MudPopoverProvider>();
        var page = ctx.Render<RoomsAdmin>();
        page.WaitForAssertion(() => Assert.Contains("IT1", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.Find("form input[maxlength='64']").Input("it1"));
        await page.InvokeAsync(() => page.FindAll("form")[0].Submit());
        page.WaitForAssertion(() => Assert.Contains("A room named 'it1' already exists on Main.", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.Find("button[aria-label='Remove the room IT1']").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("Its enrolment tokens stop working", dialogs.Markup, StringComparison.Ordinal), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-confirm]").Click());

        page.WaitForAssertion(() => Assert.Contains("No rooms on this site yet", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.Sites.ListRoomsAsync(null, Token));
        Assert.Equal(("room.remove", $"room '{room.Name}'"), ((await school.Store.AdminAudit.ListAsync(1, Token))[0].Action, (await school.Store.AdminAudit.ListAsync(1, Token))[0].Target));
    }

    [Fact]
    public async Task Devices_GridPagesOnTheServerAndSearches_NamesNotIds()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var room = await school.RoomAsync("Main", "Art Room");
        for (var i = 0; i < 30; i++)
        {
            var id = await school.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, $"02:00:00:00:01:{i:x2}", $"10.1.20.{i + 10}", $"LAPTOP-{i:00}"), Token);
            await school.Store.Devices.SetRoomAsync(id, room.Id, Token);
        }

        await using var ctx = school.Components(tech);
        ctx.Render<MudDialogProvider>();
        ctx.Render<MudPopoverProvider>();
        var page = ctx.Render<Devices>();

        page.WaitForAssertion(() => Assert.Contains("LAPTOP-24", page.Markup, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain("LAPTOP-25", page.Markup, StringComparison.Ordinal); // page 1 of 2: 25 rows
        Assert.Contains("Art Room", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Seen on the network", page.Markup, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.Find("input[aria-label='Search devices']").Input("01:1d"));

        page.WaitForAssertion(() =>
        {
            Assert.Contains("LAPTOP-29", page.Markup, StringComparison.Ordinal);
            Assert.DoesNotContain("LAPTOP-00", page.Markup, StringComparison.Ordinal);
        }, Wait);
    }

    [Fact]
    public async Task Devices_ChangeGroup_ReasonRequiredBesideTheField_ThenWaitsForApproval()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var device = await school.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:00:00:00:04:01", Hostname: "LAPTOP-07"), Token);
        await using var ctx = school.Components(tech);
        var dialogs = ctx.Render<MudDialogProvider>();
        var popovers = ctx.Render<MudPopoverProvider>();
        var page = ctx.Render<Devices>();
        page.WaitForAssertion(() => Assert.Contains("LAPTOP-07", page.Markup, StringComparison.Ordinal), Wait);
        var ks3 = (await school.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "ks3");

        await page.InvokeAsync(() => page.Find("button[aria-label='Propose a filtering group for LAPTOP-07']").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("form")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());
        dialogs.WaitForAssertion(() => Assert.Contains("Say why the device's filtering group should change", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Empty(await school.Store.ChangeControl.GetPendingAsync(Token));

        await dialogs.InvokeAsync(() => dialogs.Find("form .mud-select .mud-input-control").MouseDown());
        popovers.WaitForAssertion(() => Assert.Contains(ks3.Name, popovers.Markup, StringComparison.Ordinal), Wait);
        await popovers.InvokeAsync(() => popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains(ks3.Name, StringComparison.Ordinal)).Click());
        await dialogs.InvokeAsync(() => dialogs.Find("form input[maxlength='200']").Input("Year 8 laptop"));
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        page.WaitForAssertion(() => Assert.Contains("change waiting for approval", page.Markup, StringComparison.Ordinal), Wait);
        var pending = Assert.Single(await school.Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(new SetDeviceGroupChange(device, "ks3"), pending.Change);
        Assert.Equal("Year 8 laptop", pending.Reason);
    }

    [Fact]
    public async Task Changes_ProposerCannotApprove_AnotherApprovesThroughTheDialog()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var second = await school.UserAsync("kim.tech", "Kim Technician", Role.Technician);
        var device = await school.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:00:00:00:02:01", Hostname: "LAPTOP-07"), Token);
        var proposed = await school.Actions.ProposeDeviceGroupAsync(AdminTestContext.Actor(tech), device, "ks3", "Year 8 laptop", Token);
        Assert.True(proposed.Succeeded);

        await using (var mine = school.Components(tech))
        {
            mine.Render<MudDialogProvider>();
            var page = mine.Render<Changes>();
            page.WaitForAssertion(() => Assert.Contains("Put LAPTOP-07 in the group", page.Markup, StringComparison.Ordinal), Wait);
            Assert.Contains("Proposed by you", page.Markup, StringComparison.Ordinal);
            Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").HasAttribute("disabled"));
        }

        await using var theirs = school.Components(second);
        var dialogs = theirs.Render<MudDialogProvider>();
        var approver = theirs.Render<Changes>();
        approver.WaitForAssertion(() => Assert.Contains("Proposed by Sam Technician", approver.Markup, StringComparison.Ordinal), Wait);
        await approver.InvokeAsync(() => approver.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("form")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        approver.WaitForAssertion(() => Assert.Contains("Nothing is waiting for approval", approver.Markup, StringComparison.Ordinal), Wait);
        var groups = (await school.Store.Policy.GetSnapshotAsync(Token)).Groups;
        Assert.Equal(groups.Single(g => g.Key == "ks3").Id, (await school.Store.Devices.GetAsync(device, Token))!.GroupId);
    }

    [Fact]
    public async Task Changes_RejectWithoutAReason_RefusedBesideTheComment()
    {
        var tech = await school.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        var second = await school.UserAsync("kim.tech", "Kim Technician", Role.Technician);
        var device = await school.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:00:00:00:02:02"), Token);
        await school.Actions.ProposeDeviceGroupAsync(AdminTestContext.Actor(tech), device, "ks3", "Year 8 laptop", Token);
        await using var ctx = school.Components(second);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<Changes>();
        page.WaitForAssertion(() => Assert.Contains("Year 8 laptop", page.Markup, StringComparison.Ordinal), Wait);

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Reject").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("form")), Wait);
        await dialogs.InvokeAsync(() => dialogs.Find("form").Submit());

        dialogs.WaitForAssertion(() => Assert.Contains("Say why the change is rejected", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Single(await school.Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public async Task Audit_SentencesWithFullNames_NoKeys()
    {
        var anna = await school.UserAsync("anna.smith", "Anna Smith", Role.Administrator);
        var tom = await school.UserAsync("tom.jones", "Tom Jones", Role.Technician);
        await school.Actions.CreateUserAsync(AdminTestContext.Actor(tom), "jsmith", "Jo Smith", [Role.Teacher], "kettle umbrella marmalade", Token);
        await school.Store.AdminAudit.RecordAsync(anna.Id, "user.password_change", "user 'anna.smith'", "own password", Token);
        await using var ctx = school.Components(anna);
        ctx.Render<MudPopoverProvider>();
        var page = ctx.Render<Audit>();

        page.WaitForAssertion(() => Assert.Contains("Tom Jones created the account 'jsmith' with the role Teacher.", page.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains("Anna Smith changed their own password.", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("user.create", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("password_change", page.Markup, StringComparison.Ordinal);
    }
}
