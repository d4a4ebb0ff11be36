using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Safeguarding;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Safeguarding.Review;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Safeguarding.Review;

/// <summary>The home page's annual review card, rendered for each role over a real state database.</summary>
public sealed class ReviewDueCardTests : IDisposable
{
    private readonly AdminTestContext context = new();

    public void Dispose() => context.Dispose();

    private BunitContext Components(UserAccount account)
    {
        var bunit = context.Components(account);
        bunit.Services.AddSingleton<SchoolClock>();
        bunit.Services.AddSingleton<DnsFilterClient>();
        bunit.Services.AddAnnualReview();
        return bunit;
    }

    [Theory]
    [InlineData(Role.Governor)]
    [InlineData(Role.SafeguardingLead)]
    [InlineData(Role.Technician)]
    [InlineData(Role.Administrator)]
    public async Task NeverReviewed_SaysDueNow_ToEveryRoleThatReadsReviews(Role role)
    {
        var account = await context.UserAsync("card." + role, "Card " + role, role);
        using var bunit = Components(account);

        var card = bunit.Render<ReviewDueCard>();

        card.WaitForAssertion(() => Assert.Contains("Annual review due now: none recorded yet", card.Find("#review-card").TextContent, StringComparison.Ordinal));
        Assert.Equal("/review", card.Find("#review-card a").GetAttribute("href"));
    }

    [Fact]
    public async Task AfterACompletedReview_SaysHowManyDaysAreLeft()
    {
        var dsl = await context.UserAsync("card.dsl", "Dee Lead", Role.SafeguardingLead);
        var review = await context.Store.Reviews.CreateDraftAsync(DateOnly.FromDateTime(DateTime.Today).AddDays(-10), dsl.Id, CancellationToken.None);
        await context.Store.Reviews.CompleteAsync(review.Id, dsl.Id, CancellationToken.None);
        using var bunit = Components(dsl);

        var card = bunit.Render<ReviewDueCard>();

        card.WaitForAssertion(() => Assert.Matches(@"Annual review due in 3\d\d days", card.Find("#review-card-title").TextContent));
        Assert.Contains("A year after the review of ", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teacher_SeesNoCard()
    {
        var teacher = await context.UserAsync("card.teacher", "Tess Teacher", Role.Teacher);
        using var bunit = Components(teacher);

        var card = bunit.Render<ReviewDueCard>();

        Assert.Empty(card.FindAll("#review-card"));
    }
}
