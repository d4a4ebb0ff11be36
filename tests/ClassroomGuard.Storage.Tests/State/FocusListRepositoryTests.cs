using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class FocusListRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task CreateAsync_ValidList_NormalisesDomainsAndBumpsRevision()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var before = await context.Store.GetRevisionAsync(Token);

        var (outcome, list) = await context.Store.FocusLists.CreateAsync(" Year 9 maths ", ["MathsWatch.co.uk.", "www.bbc.co.uk", "mathswatch.co.uk"], tech.Id, Token);

        Assert.Equal(FocusListOutcome.Saved, outcome);
        Assert.Equal("Year 9 maths", list!.Name);
        Assert.Equal(["mathswatch.co.uk", "www.bbc.co.uk"], list.Domains);
        Assert.Equal(tech.Id, list.CreatedBy);
        Assert.Equal(before + 1, await context.Store.GetRevisionAsync(Token));
        Assert.Equal(list.Domains, (await context.Store.FocusLists.GetAsync(list.Id, Token))!.Domains);
    }

    [Fact]
    public async Task CreateAsync_NameTakenWhateverTheCase_IsRefused()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        await context.Store.FocusLists.CreateAsync("Science", ["bbc.co.uk"], tech.Id, Token);

        var (outcome, list) = await context.Store.FocusLists.CreateAsync("SCIENCE", ["nasa.gov"], tech.Id, Token);

        Assert.Equal(FocusListOutcome.NameTaken, outcome);
        Assert.Null(list);
        Assert.Single(await context.Store.FocusLists.ListAsync(Token));
    }

    public static TheoryData<string[]> BadDomains => new()
    {
        { [] },
        { ["not a domain"] },
        { ["bbc.co.uk", "two..dots.test"] },
        { ["https://bbc.co.uk/"] },
        { Enumerable.Range(0, FocusListRepository.MaxDomains + 1).Select(i => $"site{i}.test").ToArray() },
    };

    [Theory]
    [MemberData(nameof(BadDomains))]
    public async Task CreateAsync_BadDomains_ThrowsAndSavesNothing(string[] domains)
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);

        await Assert.ThrowsAsync<ArgumentException>(() => context.Store.FocusLists.CreateAsync("List", domains, tech.Id, Token));

        Assert.Empty(await context.Store.FocusLists.ListAsync(Token));
    }

    [Fact]
    public async Task UpdateAndDelete_ExistingList_ChangeItAndReportMissingOnes()
    {
        using var context = new StateTestContext();
        var tech = await context.UserAsync("tech", Role.Technician);
        var (_, a) = await context.Store.FocusLists.CreateAsync("A", ["a.test"], tech.Id, Token);
        var (_, b) = await context.Store.FocusLists.CreateAsync("B", ["b.test"], tech.Id, Token);

        Assert.Equal(FocusListOutcome.NameTaken, await context.Store.FocusLists.UpdateAsync(a!.Id, "b", ["a.test"], Token));
        Assert.Equal(FocusListOutcome.Saved, await context.Store.FocusLists.UpdateAsync(a.Id, "A2", ["a2.test", "a.test"], Token));
        Assert.Equal(FocusListOutcome.NotFound, await context.Store.FocusLists.UpdateAsync(999, "C", ["c.test"], Token));
        Assert.Equal(["a2.test", "a.test"], (await context.Store.FocusLists.GetAsync(a.Id, Token))!.Domains);

        Assert.True(await context.Store.FocusLists.DeleteAsync(b!.Id, Token));
        Assert.False(await context.Store.FocusLists.DeleteAsync(b.Id, Token));
        Assert.Equal(["A2"], (await context.Store.FocusLists.ListAsync(Token)).Select(l => l.Name));
    }
}
