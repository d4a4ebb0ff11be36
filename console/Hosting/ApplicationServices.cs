using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components;
using ClassroomGuard.Console.Components.Layout;
using ClassroomGuard.Console.Dashboard;
using ClassroomGuard.Console.Kiosk;
using ClassroomGuard.Console.Policy;
using ClassroomGuard.Console.Policy.Lists;
using ClassroomGuard.Console.Policy.Rules;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Safeguarding.History;
using ClassroomGuard.Console.Safeguarding.Incidents;
using ClassroomGuard.Console.Safeguarding.Review;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Console.Upstreams;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Hosting;

/// <summary>The console's web services (sign-in, roles, antiforgery, rate limiting, Blazor) and its request pipeline.</summary>
internal static class ApplicationServices
{
    /// <summary>Registers everything the console UI needs; storage and options are registered by the caller.</summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<AuthenticationStateProvider, CircuitAuthenticationStateProvider>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ConsoleTheme>();

        // Keys persist in a folder from settings, so sessions and forms survive a restart.
        services.AddDataProtection().SetApplicationName("ClassroomGuard.Console");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ConsoleOptions>, ILoggerFactory>((keys, console, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(console.Value.DataProtectionKeysPath), loggers));

        services.AddScoped<SessionEvents>();
        services.AddAuthentication(ConsoleUser.Scheme).AddCookie(ConsoleUser.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(ConsoleUser.Scheme).Configure<IOptions<ConsoleOptions>>((cookie, console) =>
        {
            cookie.Cookie.Name = "__Host-ClassroomGuard";
            cookie.Cookie.Path = "/";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.IsEssential = true;
            cookie.ExpireTimeSpan = console.Value.SessionIdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AccountPaths.SignIn;
            cookie.LogoutPath = AccountPaths.SignOut;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.EventsType = typeof(SessionEvents);
        });
        services.AddAuthorization(Policies.Configure);

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-ClassroomGuard-Antiforgery";
            antiforgery.Cookie.Path = "/";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ConsoleOptions>>((limiter, console) => SignInRateLimit.Configure(limiter, console.Value));
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));

        services.AddSingleton<SignInService>();
        services.AddAdministration();
        services.AddAgentHub();
        services.AddClassroomLive();
        services.AddScoped<RoomAccess>();
        services.AddDashboard();
        services.AddUpstreamProbe();
        services.AddTeacherRooms();
        services.AddChangeLog();
        services.AddWhyBlocked();
        services.AddListFeeds();
        services.AddPolicyEditor();
        services.AddPolicyRules();
        services.AddUnblocking();
        services.AddSafeguardingAlerts();
        services.AddAnnualReview();
        services.AddIncidents();
        services.AddBlockHistory();
        services.AddReports();
        return services;
    }

    /// <summary>
    /// Creates the data-protection key folder (owner-only; its parent must exist: set-up makes it) before the first
    /// request needs it, so a folder that cannot be written stops the service with a message naming the setting
    /// (exit 78) instead of failing every sign-in.
    /// </summary>
    public static void EnsureKeyFolder(ConsoleOptions options)
    {
        var path = Path.TrimEndingDirectorySeparator(options.DataProtectionKeysPath);
        OwnerOnlyFolder.Ensure(path, ConsoleOptions.Section, typeof(ConsoleOptions), "Console:DataProtectionKeysPath", p =>
            Path.GetDirectoryName(p) is { } parent && Directory.Exists(parent) ? null : $"its parent folder '{Path.GetDirectoryName(p)}' does not exist");
    }

    /// <summary>The request pipeline: headers, rate limit, sign-in, roles, antiforgery, then the pages.</summary>
    public static WebApplication UseConsoleUi(this WebApplication app)
    {
        app.UseHsts();
        app.UseSecurityHeaders();
        app.UseHttpsOnlyPages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseKioskGate();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapKioskEndpoints();
        app.MapAgentEndpoints();
        app.MapTeacherActionEndpoints();
        app.MapChangeLogEndpoints();
        app.MapBlockHistoryEndpoints();
        app.MapReportEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
