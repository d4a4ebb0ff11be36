using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class KioskCredentialRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task IssueAsync_ReturnsTextOnce_StoresOnlyHash_AuditsAndMakesAHiddenDisabledAccount()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await EnrolmentTokenRepositoryTests.RoomAsync(context.Store, "Room 3");

        var (outcome, issued) = await context.Store.KioskCredentials.IssueAsync(room.Id, "  Room 3 display ", tech.Id, Token);

        Assert.Equal(KioskIssueOutcome.Issued, outcome);
        var secret = issued!.Text[(issued.Text.IndexOf('.', StringComparison.Ordinal) + 1)..];
        Assert.Equal(43, secret.Length); // 256 bits, base64url
        Assert.DoesNotContain(' ', issued.Text);
        Assert.Equal(("Room 3 display", "Room 3", "tech"), (issued.Credential.Label, issued.Credential.RoomName, issued.Credential.IssuedByName));
        var dump = StateTestContext.Sqlite3(context.DbPath, ".dump").Output;
        Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        Assert.Contains(EnrolmentTokenRepository.Hash(secret), dump, StringComparison.Ordinal);
        var audit = Assert.Single(await context.Store.AdminAudit.ListAsync(10, Token));
        Assert.Equal(("tech", "display.issue", "room 'Room 3'", "classroom display credential 'Room 3 display'"), (audit.ActorName, audit.Action, audit.Target, audit.Detail));

        var account = await context.Store.Users.GetAsync(issued.Credential.UserId, Token);
        Assert.Equal(("Room 3 display (classroom display)", true, 0), (account!.DisplayName, account.Disabled, account.Roles.Count));
        Assert.DoesNotContain(await context.Store.Users.ListAsync(Token), u => u.Id == account.Id);
        Assert.Equal(SignInOutcome.Disabled, (await context.Store.Users.VerifyPasswordAsync(account.UserName, "", Token)).Outcome);
    }

    [Fact]
    public async Task VerifyAsync_RightText_RecordsUse_AnythingElseIsNull()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await EnrolmentTokenRepositoryTests.RoomAsync(context.Store, "Room 3");
        var issued = (await context.Store.KioskCredentials.IssueAsync(room.Id, "Display", tech.Id, Token)).Issued!;
        context.Clock.Advance(TimeSpan.FromMinutes(5));

        var verified = await context.Store.KioskCredentials.VerifyAsync(issued.Text, Token);

        Assert.Equal(room.Id, verified!.RoomId);
        Assert.Equal(context.Clock.Now, verified.LastUsedAt);
        var id = issued.Credential.Id;
        foreach (var wrong in new[] { "", issued.Text + "x", issued.Text[..^1], $"{id + 1}.{issued.Text[(issued.Text.IndexOf('.', StringComparison.Ordinal) + 1)..]}", "x.y", ".abc", issued.Text.Replace(".", "", StringComparison.Ordinal) })
        {
            Assert.Null(await context.Store.KioskCredentials.VerifyAsync(wrong, Token));
        }
    }

    [Fact]
    public async Task RevokeAsync_RefusesTheCredentialFromThenOn_AuditsOnce()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await EnrolmentTokenRepositoryTests.RoomAsync(context.Store, "Room 3");
        var issued = (await context.Store.KioskCredentials.IssueAsync(room.Id, "Display", tech.Id, Token)).Issued!;

        Assert.True(await context.Store.KioskCredentials.RevokeAsync(issued.Credential.Id, tech.Id, Token));
        Assert.False(await context.Store.KioskCredentials.RevokeAsync(issued.Credential.Id, tech.Id, Token));

        Assert.Null(await context.Store.KioskCredentials.VerifyAsync(issued.Text, Token));
        Assert.False(await context.Store.KioskCredentials.IsActiveAsync(issued.Credential.Id, Token));
        var listed = Assert.Single(await context.Store.KioskCredentials.ListAsync(room.Id, Token));
        Assert.Equal(("tech", context.Clock.Now), (listed.RevokedByName, listed.RevokedAt));
        Assert.Equal(["display.revoke", "display.issue"], (await context.Store.AdminAudit.ListAsync(10, Token)).Select(a => a.Action));
    }

    [Fact]
    public async Task IssueAsync_SameLabelWhileLive_Refused_AfterRevokeAllowed_BadLabelsRefused()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await EnrolmentTokenRepositoryTests.RoomAsync(context.Store, "Room 3");
        var first = (await context.Store.KioskCredentials.IssueAsync(room.Id, "Display", tech.Id, Token)).Issued!;

        Assert.Equal(KioskIssueOutcome.LabelTaken, (await context.Store.KioskCredentials.IssueAsync(room.Id, "display", tech.Id, Token)).Outcome);
        await context.Store.KioskCredentials.RevokeAsync(first.Credential.Id, tech.Id, Token);
        Assert.Equal(KioskIssueOutcome.Issued, (await context.Store.KioskCredentials.IssueAsync(room.Id, "Display", tech.Id, Token)).Outcome);
        Assert.Equal(KioskIssueOutcome.BadLabel, (await context.Store.KioskCredentials.IssueAsync(room.Id, " ", tech.Id, Token)).Outcome);
        Assert.Equal(KioskIssueOutcome.BadLabel, (await context.Store.KioskCredentials.IssueAsync(room.Id, new string('x', 81), tech.Id, Token)).Outcome);
        Assert.Equal(KioskIssueOutcome.BadLabel, (await context.Store.KioskCredentials.IssueAsync(room.Id, "a\nb", tech.Id, Token)).Outcome);
        Assert.Equal(KioskIssueOutcome.NoSuchRoom, (await context.Store.KioskCredentials.IssueAsync(999, "X", tech.Id, Token)).Outcome);
    }

    [Fact]
    public async Task RoomRemoved_CredentialGone_NoLongerActive()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var room = await EnrolmentTokenRepositoryTests.RoomAsync(context.Store, "Room 3");
        var issued = (await context.Store.KioskCredentials.IssueAsync(room.Id, "Display", tech.Id, Token)).Issued!;

        Assert.True(await context.Store.Sites.RemoveRoomAsync(room.Id, Token));

        Assert.False(await context.Store.KioskCredentials.IsActiveAsync(issued.Credential.Id, Token));
        Assert.Null(await context.Store.KioskCredentials.VerifyAsync(issued.Text, Token));
    }
}
