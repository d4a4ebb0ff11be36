using System.Reflection;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;

namespace ClassroomGuard.Console.Tests.Security;

/// <summary>
/// Every endpoint the console maps — minimal APIs, hubs, every Razor page component route — names its authorization
/// explicitly: a policy, <c>[Authorize]</c> or <c>[AllowAnonymous]</c>. A new page or endpoint without one fails here,
/// so "signed in" (the fallback policy) is never what a page gets by forgetting. The service behind each page checks
/// the object it touches again (style habit 14); this test is the first half.
/// </summary>
public sealed class EndpointAuthorizationTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    /// <summary>
    /// Framework endpoints that carry no attribute of ours, each with the reason it is safe: the fallback policy
    /// (signed in) applies to them, and they expose no data of their own.
    /// </summary>
    private static readonly (string Prefix, string Reason)[] Framework =
    [
        ("/_blazor", "Blazor Server's circuit hub: every component in it is authorised by its own page's attribute and the revalidating authentication state"),
        ("/_framework/", "Blazor's framework script and redirect helpers"),
    ];

    /// <summary>
    /// MapStaticAssets' own fallback when the app runs from build output (tests, a developer's run; not the published
    /// appliance): it serves a wwwroot file added after the build, and is added outside the conventions given to
    /// MapStaticAssets. It holds nothing but the app's own files, and the fallback policy (signed in) still applies.
    /// </summary>
    private static bool IsStaticAssetsDevelopmentFallback(Endpoint endpoint)
        => endpoint is RouteEndpoint { RoutePattern.RawText: "{**path:file}" } && endpoint.DisplayName == "Fallback {**path:file}";

    [Fact]
    public void EveryEndpoint_HasExplicitAuthorization()
    {
        var endpoints = Endpoints();
        Assert.NotEmpty(endpoints);

        var missing = endpoints
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null && !IsStaticAssetsDevelopmentFallback(e)) // the app's own files: checked below
            .Where(e => !IsExplicit(e) && !Framework.Any(f => Pattern(e).StartsWith(f.Prefix, StringComparison.OrdinalIgnoreCase)))
            .Select(e => $"{Pattern(e)} ({e.DisplayName})")
            .ToList();

        Assert.True(missing.Count == 0, "Endpoints without [Authorize(Policy = …)], [Authorize] or [AllowAnonymous]:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void StaticAssets_AreAnonymousAndOnlyTheAppsFiles()
    {
        var assets = Endpoints().Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is not null).ToList();

        Assert.NotEmpty(assets);
        Assert.All(assets, e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
        Assert.Contains(assets, e => Pattern(e) == "/app.css");
        Assert.Contains(assets, e => Pattern(e).StartsWith("/_content/MudBlazor/", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRoutablePage_HasExplicitAuthorizationAndIsMapped()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any())
            .ToList();
        var mapped = Endpoints().Select(Pattern).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.NotEmpty(pages);
        var missing = pages
            .Where(t => t.GetCustomAttribute<AuthorizeAttribute>(inherit: true) is null && t.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is null)
            .Select(t => $"{t.FullName} ({string.Join(", ", t.GetCustomAttributes<RouteAttribute>().Select(r => r.Template))})")
            .ToList();
        Assert.True(missing.Count == 0, "Pages without @attribute [Authorize(Policy = …)], [Authorize] or [AllowAnonymous]:\n" + string.Join("\n", missing));
        foreach (var route in pages.SelectMany(t => t.GetCustomAttributes<RouteAttribute>()))
        {
            Assert.Contains(Normalise(route.Template), mapped);
        }
    }

    [Theory]
    [InlineData("/admin/teachers", Policies.Administration)]
    [InlineData("/admin/focus-lists", Policies.Administration)]
    [InlineData("/reports/weekly", Policies.WeeklyReport)]
    public void RoomsPages_NameTheirPolicy(string route, string policy)
    {
        var endpoint = Assert.Single(Endpoints(), e => string.Equals(Pattern(e), route, StringComparison.OrdinalIgnoreCase));

        Assert.Contains(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == policy);
    }

    private static bool IsExplicit(Endpoint endpoint)
        => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
           || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0
           || endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Count > 0;

    private static string Pattern(Endpoint endpoint) => endpoint is RouteEndpoint route ? Normalise(route.RoutePattern.RawText ?? string.Empty) : endpoint.DisplayName ?? string.Empty;

    private static string Normalise(string template) => "/" + template.Trim('/');

    private List<Endpoint> Endpoints()
    {
        _ = fixture.Factory.Server; // starts the host, which maps everything
        return fixture.Factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).Distinct().ToList();
    }
}
