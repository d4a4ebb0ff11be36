using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>Who may set a user's e-mail address: a safeguarding lead's (where danger alerts go) only an administrator.</summary>
public sealed class UserEmailAdminTests
{
    [Fact]
    public async Task A_technician_cannot_redirect_a_safeguarding_leads_alert_emails()
    {
        using var context = new AdminTestContext();
        var technician = await context.UserAsync("tech", "Tess Technician", Role.Technician);
        var administrator = await context.UserAsync("admin", "Ada Administrator", Role.Administrator);
        var lead = await context.UserAsync("dsl", "Dee Lead", Role.SafeguardingLead);
        var teacher = await context.UserAsync("teacher", "Tom Teacher", Role.Teacher);
        var emails = new UserEmailAdmin(context.Store, NullLogger<UserEmailAdmin>.Instance);
        Assert.True((await emails.SetAsync(AdminTestContext.Actor(administrator), lead.Id, "dsl@school.example", AdminTestContext.Token)).Succeeded);

        var refused = await emails.SetAsync(AdminTestContext.Actor(technician), lead.Id, "someone@elsewhere.example", AdminTestContext.Token);

        Assert.False(refused.Succeeded);
        Assert.Contains("only an administrator", refused.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(UserEmailForm.Email), refused.Field);
        Assert.Equal("dsl@school.example", (await context.Store.Users.GetEmailsAsync(AdminTestContext.Token))[lead.Id]);
        Assert.False((await emails.SetAsync(AdminTestContext.Actor(technician), lead.Id, null, AdminTestContext.Token)).Succeeded);
        Assert.Equal("dsl@school.example", (await context.Store.Users.GetEmailsAsync(AdminTestContext.Token))[lead.Id]);
        var audit = await context.Store.AdminAudit.ListAsync(20, AdminTestContext.Token);
        Assert.Contains(audit, e => e.ActorId == technician.Id && e.Action == "user.email" && e.Detail.StartsWith("refused", StringComparison.Ordinal));

        // A technician still sets a teacher's address; an administrator sets the lead's.
        Assert.True((await emails.SetAsync(AdminTestContext.Actor(technician), teacher.Id, "teacher@school.example", AdminTestContext.Token)).Succeeded);
        Assert.True((await emails.SetAsync(AdminTestContext.Actor(administrator), lead.Id, "dsl2@school.example", AdminTestContext.Token)).Succeeded);
        Assert.Equal("dsl2@school.example", (await context.Store.Users.GetEmailsAsync(AdminTestContext.Token))[lead.Id]);
    }
}
