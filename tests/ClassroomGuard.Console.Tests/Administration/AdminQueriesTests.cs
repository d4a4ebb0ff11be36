using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

/// <summary>What the administration pages read, in words, with their filters and paging.</summary>
public sealed class AdminQueriesTests : IDisposable
{
    private readonly AdminTestContext school = new();

    private static CancellationToken Token => AdminTestContext.Token;

    public void Dispose() => school.Dispose();

    [Fact]
    public async Task Audit_FilterByPersonKindAndPeriod_PagesWithSentences()
    {
        var anna = AdminTestContext.Actor(await school.UserAsync("anna.smith", "Anna Smith", Role.Administrator));
        var tom = AdminTestContext.Actor(await school.UserAsync("tom.jones", "Tom Jones", Role.Technician));
        await school.Actions.CreateSiteAsync(anna, "Main", Token);
        var site = (await school.Store.Sites.ListSitesAsync(Token))[0];
        for (var i = 0; i < 12; i++)
        {
            await school.Actions.CreateRoomAsync(tom, site.Id, $"R{i:00}", Token);
        }

        await school.Actions.CreateUserAsync(anna, "jsmith", "Jo Smith", [Role.Teacher], "kettle umbrella marmalade", Token);
        var queries = school.Queries;
        var all = new AuditFilter(null, null, null, null);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, queries.Zone).DateTime);

        var first = await queries.AuditAsync(anna, all, new PageRequest(null, false, 0, 5), Token);
        var annas = await queries.AuditAsync(anna, all with { ActorId = anna.Id }, new PageRequest(null, false, 0, 50), Token);
        var rooms = await queries.AuditAsync(anna, all with { KindPrefix = "room." }, new PageRequest(null, false, 0, 50), Token);
        var oldest = await queries.AuditAsync(anna, all, new PageRequest(nameof(AuditRow.When), false, 0, 1), Token);
        var todayOnly = await queries.AuditAsync(anna, all with { From = today, To = today }, new PageRequest(null, false, 0, 50), Token);
        var yesterday = await queries.AuditAsync(anna, all with { To = today.AddDays(-1) }, new PageRequest(null, false, 0, 50), Token);

        Assert.Equal(14, first.Total);
        Assert.Equal(5, first.Items.Count);
        Assert.Equal("Anna Smith created the account 'jsmith' with the role Teacher.", first.Items[0].Sentence);
        Assert.Equal("Accounts and passwords", first.Items[0].Kind);
        Assert.Equal(["Anna Smith", "Anna Smith"], annas.Items.Select(a => a.Who));
        Assert.Equal(12, rooms.Total);
        Assert.All(rooms.Items, r => Assert.StartsWith("Tom Jones added the room 'R", r.Sentence, StringComparison.Ordinal));
        Assert.Equal("Anna Smith added the site 'Main'.", Assert.Single(oldest.Items).Sentence);
        Assert.Equal(14, todayOnly.Total);
        Assert.Equal(0, yesterday.Total);
    }

    [Fact]
    public async Task Users_SearchSortAndPage()
    {
        var admin = AdminTestContext.Actor(await school.UserAsync("admin", "Zed Admin", Role.Administrator));
        await school.UserAsync("anna.smith", "Anna Smith", Role.Teacher);
        await school.UserAsync("bob.gov", "Bob Governor", Role.Governor);

        var byName = await school.Queries.UsersAsync(admin, null, new PageRequest(null, false, 0, 2), Token);
        var governors = await school.Queries.UsersAsync(admin, "governor", new PageRequest(null, false, 0, 10), Token);
        var byUserNameDescending = await school.Queries.UsersAsync(admin, null, new PageRequest(nameof(UserRow.UserName), true, 0, 10), Token);

        Assert.Equal(3, byName.Total);
        Assert.Equal(["Anna Smith", "Bob Governor"], byName.Items.Select(u => u.DisplayName));
        Assert.Equal("bob.gov", Assert.Single(governors.Items).UserName);
        Assert.Equal(["bob.gov", "anna.smith", "admin"], byUserNameDescending.Items.Select(u => u.UserName));
        Assert.Equal("Active", byName.Items[0].State);
    }

    [Fact]
    public async Task Pending_DeviceGroupChange_IsASentenceWithNames()
    {
        var tom = await school.UserAsync("tom.jones", "Tom Jones", Role.Technician);
        var device = await school.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Manual, "02:00:00:00:03:01", Hostname: "LAPTOP-07"), Token);
        await school.Actions.ProposeDeviceGroupAsync(AdminTestContext.Actor(tom), device, "ks3", "Year 8 laptop", Token);
        var ks3 = (await school.Store.Policy.GetSnapshotAsync(Token)).Groups.Single(g => g.Key == "ks3").Name;
        var kim = AdminTestContext.Actor(await school.UserAsync("kim", "Kim Tech", Role.Technician));

        var row = Assert.Single(await school.Queries.PendingAsync(kim, Token));

        Assert.Equal($"Put LAPTOP-07 in the group {ks3}", row.Summary);
        Assert.Equal("Tom Jones", row.ProposedBy);
        Assert.False(row.ProposedByYou);
    }

    [Fact]
    public void EnrolCommand_CertificatePin_IsTheSpkiSha256TheAgentTakes()
    {
        var command = new EnrolmentCommand(Microsoft.Extensions.Options.Options.Create(school.ConsoleOptions), Microsoft.Extensions.Logging.Abstractions.NullLogger<EnrolmentCommand>.Instance);

        var text = command.For(new Uri("https://10.1.0.2:8443/admin/rooms/3"), "TOKEN");

        Assert.Equal($"sudo classroomguard-agent-enrol --console https://10.1.0.2:8443 --token TOKEN --pin {school.Pin}", text.Command);
        Assert.False(text.ConsoleIsLoopback);
    }

    [Fact]
    public void EnrolCommand_NoCertificate_CommandWithoutPin()
    {
        var command = new EnrolmentCommand(
            Microsoft.Extensions.Options.Options.Create(new ClassroomGuard.Console.Hosting.ConsoleOptions { CertificatePath = Path.Combine(school.Root, "missing.crt") }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<EnrolmentCommand>.Instance);

        var text = command.For(new Uri("https://10.1.0.2:8443/"), "TOKEN");

        Assert.Null(text.Pin);
        Assert.Equal("sudo classroomguard-agent-enrol --console https://10.1.0.2:8443 --token TOKEN", text.Command);
    }
}
