using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class MailOutboxRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    private static readonly TimeSpan First = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1000, 60)]
    [InlineData(int.MaxValue, 60)]
    public void Backoff_Attempts_DoublesUpToTheLongest(int attempts, int minutes)
        => Assert.Equal(TimeSpan.FromMinutes(minutes), MailOutboxRepository.Backoff(attempts, First, Longest));

    [Fact]
    public async Task MarkFailedAsync_Repeatedly_KeptWithGrowingDelayAndLastError_ThenSent()
    {
        using var context = new StateTestContext();
        var outbox = context.Store.MailOutbox;
        var id = await outbox.EnqueueAsync(new NewMail(MailKind.Alert, ["dsl@school.example", "head@school.example"], "subject", "body"), Token);

        Assert.Equal(id, Assert.Single(await outbox.ListDueAsync(context.Clock.Now, 10, Token)).Id);
        var next = await outbox.MarkFailedAsync(id, "connection refused", First, Longest, Token);
        Assert.Equal(context.Clock.Now + First, next);
        Assert.Empty(await outbox.ListDueAsync(context.Clock.Now, 10, Token));
        context.Clock.Advance(First);
        Assert.Single(await outbox.ListDueAsync(context.Clock.Now, 10, Token));
        next = await outbox.MarkFailedAsync(id, new string('e', 2000), First, Longest, Token);
        Assert.Equal(context.Clock.Now + TimeSpan.FromMinutes(2), next);
        Assert.Equal(context.Clock.Now + TimeSpan.FromMinutes(2), await outbox.NextDueAsync(Token));

        var status = await outbox.GetStatusAsync(Token);
        Assert.Equal((1, 1), (status.Waiting, status.Failing));
        Assert.Equal(MailOutboxRepository.MaxErrorLength, status.LastError!.Length);
        Assert.Equal(context.Clock.Now - First, status.OldestWaitingSince);

        var message = (await outbox.GetAsync(id, Token))!;
        Assert.Equal(2, message.Attempts);
        Assert.Equal(["dsl@school.example", "head@school.example"], message.Recipients);
        Assert.True(await outbox.MarkSentAsync(id, Token));
        Assert.False(await outbox.MarkSentAsync(id, Token));
        Assert.Null(await outbox.MarkFailedAsync(id, "late", First, Longest, Token));
        Assert.Equal(new OutboxStatus(0, 0, null, null), await outbox.GetStatusAsync(Token));
        Assert.Null(await outbox.NextDueAsync(Token));
    }

    [Fact]
    public async Task PruneSentAsync_OnlySentOlderThanTheCutOff()
    {
        using var context = new StateTestContext();
        var outbox = context.Store.MailOutbox;
        var sent = await outbox.EnqueueAsync(new NewMail(MailKind.Test, ["a@school.example"], "s", "b"), Token);
        var unsent = await outbox.EnqueueAsync(new NewMail(MailKind.Test, ["a@school.example"], "s", "b"), Token);
        await outbox.MarkSentAsync(sent, Token);
        context.Clock.Advance(TimeSpan.FromDays(40));
        var fresh = await outbox.EnqueueAsync(new NewMail(MailKind.Test, ["a@school.example"], "s", "b"), Token);
        await outbox.MarkSentAsync(fresh, Token);

        Assert.Equal(1, await outbox.PruneSentAsync(context.Clock.Now - TimeSpan.FromDays(30), Token));
        Assert.Null(await outbox.GetAsync(sent, Token));
        Assert.NotNull(await outbox.GetAsync(unsent, Token));
        Assert.NotNull(await outbox.GetAsync(fresh, Token));
    }

    [Fact]
    public async Task EnqueueAsync_BadMessages_Refused()
    {
        using var context = new StateTestContext();
        var outbox = context.Store.MailOutbox;
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(new NewMail(MailKind.Test, [], "s", "b"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(new NewMail(MailKind.Test, ["a@x.example", " "], "s", "b"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(new NewMail(MailKind.Test, ["a@x.example"], " ", "b"), Token));
    }

    [Fact]
    public async Task ListAlertsNotMailedAsync_DangerOpenUnmailedOnly_AndMailedListed()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var t0 = context.Clock.Now;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var mailed = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-9), "e", null, "self_harm", "a.example"), Token);
        var waiting = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-8), "e", null, "self_harm", "b.example"), Token);
        var acknowledged = await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-7), "e", null, "self_harm", "c.example"), Token);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddMinutes(-6), "e", null, "games", "d.example"), Token);
        await store.Alerts.RaiseAsync(new NewAlert(AlertKind.HighRiskCategory, t0.AddDays(-2), "e", null, "self_harm", "old.example"), Token);
        await store.Alerts.AcknowledgeAsync(acknowledged.Id, dsl.Id, "seen", Token);
        await store.MailOutbox.EnqueueAsync(new NewMail(MailKind.Alert, ["dsl@school.example"], "s", "b", AlertId: mailed.Id), Token);

        var pending = await store.MailOutbox.ListAlertsNotMailedAsync(t0.AddDays(-1), ["self_harm"], Token);

        Assert.Equal(waiting.Id, Assert.Single(pending).Id);
        Assert.Equal(mailed.Id, Assert.Single(await store.MailOutbox.ListMailedAlertsAsync(t0.AddDays(-1), Token)).AlertId);
        Assert.Empty(await store.MailOutbox.ListAlertsNotMailedAsync(t0.AddDays(-1), [], Token));
    }

    [Fact]
    public async Task UserEmails_SetListAndClear_OnlyEnabledHoldersOfTheRole()
    {
        using var context = new StateTestContext();
        var store = context.Store;
        var dsl = await context.UserAsync("dsl", Role.SafeguardingLead);
        var deputy = await context.UserAsync("deputy", Role.SafeguardingLead, Role.Teacher);
        var away = await context.UserAsync("away", Role.SafeguardingLead);
        var tech = await context.UserAsync("tech", Role.Technician);
        await context.UserAsync("admin", Role.Administrator);
        Assert.Equal(UpdateUserOutcome.Updated, await store.Users.SetEmailAsync(dsl.Id, " dsl@school.example ", Token));
        Assert.Equal(UpdateUserOutcome.Updated, await store.Users.SetEmailAsync(deputy.Id, "deputy@school.example", Token));
        Assert.Equal(UpdateUserOutcome.Updated, await store.Users.SetEmailAsync(away.Id, "away@school.example", Token));
        Assert.Equal(UpdateUserOutcome.Updated, await store.Users.SetEmailAsync(tech.Id, "tech@school.example", Token));
        Assert.Equal(UpdateUserOutcome.NotFound, await store.Users.SetEmailAsync(9999, "x@school.example", Token));
        await store.Users.SetDisabledAsync(away.Id, true, Token);

        Assert.Equal(["deputy@school.example", "dsl@school.example"], await store.Users.ListEmailsInRoleAsync(Role.SafeguardingLead, Token));

        Assert.Equal(UpdateUserOutcome.Updated, await store.Users.SetEmailAsync(deputy.Id, "  ", Token));
        Assert.Equal(["dsl@school.example"], await store.Users.ListEmailsInRoleAsync(Role.SafeguardingLead, Token));
        Assert.Equal("tech@school.example", (await store.Users.GetEmailsAsync(Token))[tech.Id]);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Users.SetEmailAsync(dsl.Id, new string('a', 250) + "@x.example", Token));
    }
}
