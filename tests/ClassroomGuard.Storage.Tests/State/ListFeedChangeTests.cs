using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

/// <summary>The school's own list feeds (schema V8) through change control: propose, approve, apply, describe, refusals.</summary>
public sealed class ListFeedChangeTests : IDisposable
{
    private const string Url = "https://lists.example.org/extra.txt";
    private readonly StateTestContext _context = new();
    private UserAccount? _alice;
    private UserAccount? _bob;

    private static CancellationToken Token => StateTestContext.Token;

    private StateStore Store => _context.Store;

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task AddFeed_ProposedNormalisedAndDescribed_AppliedOnlyOnApproval()
    {
        var (alice, bob) = await UsersAsync();
        var proposed = await Store.ChangeControl.ProposeAsync(alice.Id, new AddListFeedChange("  Trust's extra blocklist ", "  HTTPS://Lists.Example.org/extra.txt ", "hosts", "games"), "trust-wide list", Token);
        Assert.True(proposed.Succeeded, proposed.Detail);

        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Equal(new AddListFeedChange("Trust's extra blocklist", Url, ListFeedRules.Hosts, "games"), pending.Change);
        Assert.Contains("\"url\":\"https://lists.example.org/extra.txt\"", pending.After, StringComparison.Ordinal);
        Assert.Contains("\"category\":\"games\"", pending.After, StringComparison.Ordinal);
        Assert.Empty((await Store.Policy.GetSnapshotAsync(Token)).ListFeeds); // nothing until approved

        var revision = await Store.GetRevisionAsync(Token);
        Assert.True((await Store.ChangeControl.ApproveAsync(bob.Id, pending.ChangeId, "agreed", Token)).Succeeded);

        var snapshot = await Store.Policy.GetSnapshotAsync(Token);
        var feed = Assert.Single(snapshot.ListFeeds);
        Assert.Equal(("Trust's extra blocklist", Url, "Hosts", "games", pending.ChangeId), (feed.Name, feed.Url, feed.Format, feed.CategoryKey, feed.ChangeId));
        Assert.Equal(_context.Clock.Now, feed.AddedAt);
        Assert.True(snapshot.Revision > revision); // the DNS filter sees a new revision and fetches it
    }

    [Fact]
    public async Task RemoveFeed_LeavesTheSnapshot_AndTheAddressCanBeAddedAgain()
    {
        await ApplyAsync(new AddListFeedChange("Extra", Url, "Plain", "games"));
        await ApplyAsync(new AddListFeedChange("Other", "http://10.0.0.5/list", "Plain", "gambling"));
        var feed = (await Store.Policy.GetSnapshotAsync(Token)).ListFeeds.Single(f => f.Name == "Extra");

        var proposed = await ProposeAsync(new RemoveListFeedChange(feed.Id));
        Assert.True(proposed.Succeeded, proposed.Detail);
        var pending = Assert.Single(await Store.ChangeControl.GetPendingAsync(Token));
        Assert.Contains("\"name\":\"Extra\"", pending.Before, StringComparison.Ordinal);
        Assert.Equal("null", pending.After);
        var (_, bob) = await UsersAsync();
        Assert.True((await Store.ChangeControl.ApproveAsync(bob.Id, pending.ChangeId, null, Token)).Succeeded);

        var left = Assert.Single((await Store.Policy.GetSnapshotAsync(Token)).ListFeeds);
        Assert.Equal("Other", left.Name);
        Assert.Contains("not in use", await RefusedAsync(new RemoveListFeedChange(feed.Id)), StringComparison.Ordinal);
        Assert.Contains("not in use", await RefusedAsync(new RemoveListFeedChange(999)), StringComparison.Ordinal);
        await ApplyAsync(new AddListFeedChange("Extra again", Url, "Plain", "games")); // the address is free again
        Assert.Equal(2, (await Store.Policy.GetSnapshotAsync(Token)).ListFeeds.Count);
    }

    [Fact]
    public async Task AddFeed_SameAddressOrName_Refused()
    {
        await ApplyAsync(new AddListFeedChange("Extra", Url, "Plain", "games"));

        Assert.Contains("already uses this address", await RefusedAsync(new AddListFeedChange("Different", "https://LISTS.example.org/extra.txt", "Plain", "gambling")), StringComparison.Ordinal);
        Assert.Contains("already called Extra", await RefusedAsync(new AddListFeedChange("EXTRA", "https://lists.example.org/other.txt", "Plain", "games")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFeed_SameAddressProposedTwice_SecondApprovalRefusedAsStale()
    {
        var (alice, bob) = await UsersAsync();
        var first = await Store.ChangeControl.ProposeAsync(alice.Id, new AddListFeedChange("One", Url, "Plain", "games"), "one", Token);
        var second = await Store.ChangeControl.ProposeAsync(alice.Id, new AddListFeedChange("Two", Url, "Plain", "games"), "two", Token);
        Assert.True((await Store.ChangeControl.ApproveAsync(bob.Id, first.Entry!.ChangeId, null, Token)).Succeeded);

        var late = await Store.ChangeControl.ApproveAsync(bob.Id, second.Entry!.ChangeId, null, Token);

        Assert.False(late.Succeeded);
        Assert.Equal(ChangeRefusal.Stale, late.Refusal);
        Assert.Single((await Store.Policy.GetSnapshotAsync(Token)).ListFeeds);
    }

    [Theory]
    [InlineData("child_abuse")]
    [InlineData("terrorism")]
    public async Task AddFeed_AlwaysOnCategory_RefusedSayingItIsASetting(string category)
    {
        var detail = await RefusedAsync(new AddListFeedChange("IWF", Url, "Plain", category), ChangeRefusal.AlwaysOnCategory);

        Assert.Contains("Dns:Lists:Feeds", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:hunter2@lists.example.org/x.txt", "secrets file")]
    [InlineData("https://token@lists.example.org/x.txt", "secrets file")]
    [InlineData("ftp://lists.example.org/x.txt", "https://")]
    [InlineData("file:///etc/passwd", "https://")]
    [InlineData("javascript:alert(1)", "https://")]
    [InlineData("lists.example.org/x.txt", "https://")]
    [InlineData("https://", "https://")]
    [InlineData("http:/x", "https://")]
    [InlineData("", "address")]
    [InlineData("   ", "address")]
    [InlineData("https://lists.example.org/a b", "without spaces")]
    [InlineData("https://lists.example.org/a\nb", "without spaces")]
    [InlineData("https://lists.example.org/\u0000", "without spaces")]
    public async Task AddFeed_BadAddress_RefusedWithTheReason(string url, string expected)
    {
        var detail = await RefusedAsync(new AddListFeedChange("Extra", url, "Plain", "games"));

        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", detail, StringComparison.Ordinal); // the refusal never repeats a password
    }

    [Fact]
    public async Task AddFeed_TooLongAddress_Refused()
    {
        var url = "https://lists.example.org/" + new string('a', ListFeedRules.MaxUrlLength);

        Assert.Contains("at most 2000", await RefusedAsync(new AddListFeedChange("Extra", url, "Plain", "games")), StringComparison.Ordinal);
        await ApplyAsync(new AddListFeedChange("Longest", "https://lists.example.org/" + new string('a', ListFeedRules.MaxUrlLength - 26), "Plain", "games"));
    }

    [Theory]
    [InlineData("", "Give the feed a name")]
    [InlineData("  ", "Give the feed a name")]
    [InlineData("two\nlines", "one line")]
    public async Task AddFeed_BadName_Refused(string name, string expected)
        => Assert.Contains(expected, await RefusedAsync(new AddListFeedChange(name, Url, "Plain", "games")), StringComparison.Ordinal);

    [Fact]
    public async Task AddFeed_NameOf80Accepted_81Refused()
    {
        Assert.Contains("at most 80", await RefusedAsync(new AddListFeedChange(new string('n', 81), Url, "Plain", "games")), StringComparison.Ordinal);
        await ApplyAsync(new AddListFeedChange(new string('n', 80), Url, "Plain", "games"));
    }

    [Theory]
    [InlineData("AdBlock")]
    [InlineData("Ut1")]
    [InlineData("")]
    public async Task AddFeed_OtherFormat_Refused(string format)
        => Assert.Contains("domain list", await RefusedAsync(new AddListFeedChange("Extra", Url, format, "games")), StringComparison.Ordinal);

    [Fact]
    public async Task AddFeed_UnknownCategory_Refused()
        => Assert.Contains("category", await RefusedAsync(new AddListFeedChange("Extra", Url, "Plain", "no_such")), StringComparison.Ordinal);

    [Theory]
    [InlineData(Role.Teacher)]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    public async Task AddFeed_ProposedByAnotherRole_NotPermitted(Role role)
    {
        var user = await _context.UserAsync("someone", role);

        var result = await Store.ChangeControl.ProposeAsync(user.Id, new AddListFeedChange("Extra", Url, "Plain", "games"), "please", Token);

        Assert.Equal(ChangeRefusal.NotPermitted, result.Refusal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
    }

    [Fact]
    public void ListFeedRules_Url_CanonicalFormKeepsPathAndQuery()
    {
        Assert.Equal("https://lists.example.org/x.txt?list=schools", ListFeedRules.Url("HTTPS://LISTS.EXAMPLE.ORG/x.txt?list=schools", out var problem));
        Assert.Null(problem);
        Assert.Equal("http://10.0.0.5:8080/list", ListFeedRules.Url("http://10.0.0.5:8080/list", out _));
        Assert.Null(ListFeedRules.Url(null, out problem));
        Assert.NotNull(problem);
    }

    private async Task<(UserAccount Alice, UserAccount Bob)> UsersAsync()
    {
        _alice ??= await _context.UserAsync("alice", Role.Technician);
        _bob ??= await _context.UserAsync("bob", Role.Administrator);
        return (_alice, _bob);
    }

    private async Task<ChangeResult> ProposeAsync(PolicyChange change)
    {
        var (alice, _) = await UsersAsync();
        return await Store.ChangeControl.ProposeAsync(alice.Id, change, "the feed test", Token);
    }

    private async Task ApplyAsync(PolicyChange change)
    {
        var (_, bob) = await UsersAsync();
        var proposed = await ProposeAsync(change);
        Assert.True(proposed.Succeeded, $"{change}: {proposed.Refusal} {proposed.Detail}");
        var approved = await Store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, "agreed", Token);
        Assert.True(approved.Succeeded, $"{change}: {approved.Refusal} {approved.Detail}");
    }

    private async Task<string> RefusedAsync(PolicyChange change, ChangeRefusal expected = ChangeRefusal.Invalid)
    {
        var result = await ProposeAsync(change);
        Assert.False(result.Succeeded, $"{change} was accepted");
        Assert.Equal(expected, result.Refusal);
        Assert.Empty(await Store.ChangeControl.GetPendingAsync(Token));
        return result.Detail!;
    }
}
