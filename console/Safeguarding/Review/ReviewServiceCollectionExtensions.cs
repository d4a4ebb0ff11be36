namespace ClassroomGuard.Console.Safeguarding.Review;

/// <summary>Registration of the annual review (its pages, the built-in filter check and the home card).</summary>
internal static class ReviewServiceCollectionExtensions
{
    public static IServiceCollection AddAnnualReview(this IServiceCollection services)
    {
        services.AddScoped<FilterCheck>();
        services.AddScoped<ReviewService>();
        return services;
    }
}
