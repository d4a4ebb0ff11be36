using ClassroomGuard.Storage.State;
using Microsoft.AspNetCore.Authorization;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// The authorization policies every page and endpoint names. The fallback policy (any page without an attribute)
/// is "signed in", so a page someone forgets to mark is still closed to the anonymous.
/// </summary>
public static class Policies
{
    /// <summary>Administration pages and actions: Technician or Administrator.</summary>
    public const string Administration = nameof(Administration);

    /// <summary>Rooms and (later) the live classroom view and teacher actions: Teacher, Technician, SafeguardingLead, Administrator. Not Governor.</summary>
    public const string Classroom = nameof(Classroom);

    /// <summary>The filtering policy editor: Technician or Administrator propose changes (a second one approves).</summary>
    public const string PolicyEditing = nameof(PolicyEditing);

    /// <summary>
    /// The live room page: the <see cref="Classroom"/> roles, and a classroom display (<see cref="Kiosk.KioskDisplay.Role"/>),
    /// which <see cref="Classroom.RoomAccess"/> then allows its own room only.
    /// </summary>
    public const string RoomPage = nameof(RoomPage);

    /// <summary>The change-control log: Governor, SafeguardingLead, Technician, Administrator.</summary>
    public const string ChangeLog = nameof(ChangeLog);

    /// <summary>Deciding teachers' unblock requests: SafeguardingLead, Technician, Administrator.</summary>
    public const string UnblockApproval = nameof(UnblockApproval);

    /// <summary>"Why is this blocked?" and the blocklists (read-only): Technician, Administrator, and the safeguarding lead, who answers for what pupils can reach.</summary>
    public const string FilteringInsight = nameof(FilteringInsight);

    /// <summary>The school's alerts and the block history: SafeguardingLead, Technician, Administrator.</summary>
    public const string Safeguarding = nameof(Safeguarding);

    /// <summary>
    /// The incident log: every classroom role may raise an incident and read the ones they raised; only the safeguarding
    /// lead and administrators read everyone's (enforced again by the incident service for each incident).
    /// </summary>
    public const string Incidents = nameof(Incidents);

    /// <summary>The annual review of filtering and monitoring: SafeguardingLead, Technician, Administrator record it; Governor reads it.</summary>
    public const string AnnualReview = nameof(AnnualReview);

    /// <summary>The technicians' weekly traffic report: Technician, Administrator, SafeguardingLead.</summary>
    public const string WeeklyReport = nameof(WeeklyReport);

    /// <summary>The governors' report: Governor, SafeguardingLead, Administrator.</summary>
    public const string GovernorsReport = nameof(GovernorsReport);

    /// <summary>The reports page: anyone who may read at least one kind of report (each sees only their kinds).</summary>
    public const string Reports = nameof(Reports);

    /// <summary>Roles that read the weekly traffic report.</summary>
    public static readonly Role[] WeeklyReportRoles = [Role.Technician, Role.Administrator, Role.SafeguardingLead];

    /// <summary>Roles that read the governors' report.</summary>
    public static readonly Role[] GovernorsReportRoles = [Role.Governor, Role.SafeguardingLead, Role.Administrator];

    /// <summary>Roles that see the school's alerts and the block history.</summary>
    public static readonly Role[] SafeguardingRoles = [Role.SafeguardingLead, Role.Technician, Role.Administrator];

    /// <summary>Roles that read every incident, not only their own.</summary>
    public static readonly Role[] IncidentReaderRoles = [Role.SafeguardingLead, Role.Administrator];

    /// <summary>Roles that may read the annual review (recording one needs <see cref="SafeguardingRoles"/>).</summary>
    public static readonly Role[] AnnualReviewRoles = [Role.SafeguardingLead, Role.Technician, Role.Administrator, Role.Governor];

    /// <summary>Roles that may ask why a site is blocked and see the blocklists.</summary>
    public static readonly Role[] FilteringInsightRoles = [Role.SafeguardingLead, Role.Technician, Role.Administrator];

    /// <summary>Roles that may read the change-control log.</summary>
    public static readonly Role[] ChangeLogRoles = [Role.Governor, Role.SafeguardingLead, Role.Technician, Role.Administrator];

    /// <summary>Roles that may approve or refuse unblock requests.</summary>
    public static readonly Role[] UnblockApprovalRoles = [Role.SafeguardingLead, Role.Technician, Role.Administrator];

    /// <summary>Roles that may use the administration pages.</summary>
    public static readonly Role[] AdministrationRoles = [Role.Technician, Role.Administrator];

    /// <summary>Roles that may open rooms and act in a classroom. A governor is read-only and is not among them.</summary>
    public static readonly Role[] ClassroomRoles = [Role.Teacher, Role.Technician, Role.SafeguardingLead, Role.Administrator];

    /// <summary>Registers the policies and the signed-in fallback.</summary>
    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

        // [Authorize] without a policy (Home, your password, sign-out) is for people: a classroom display holds only its
        // own role, which no other policy names, so it reaches its room page and nothing else. The fallback stays
        // "signed in" for Blazor's circuit hub, which the display's room page needs.
        options.DefaultPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
            .RequireAssertion(c => !c.User.IsInRole(Kiosk.KioskDisplay.Role)).Build();
        options.AddPolicy(RoomPage, p => p.RequireAuthenticatedUser().RequireRole([.. ClassroomRoles.Select(r => r.ToString()), Kiosk.KioskDisplay.Role]));
        options.AddPolicy(Administration, p => p.RequireAuthenticatedUser().RequireRole(AdministrationRoles.Select(r => r.ToString())));
        options.AddPolicy(PolicyEditing, p => p.RequireAuthenticatedUser().RequireRole(AdministrationRoles.Select(r => r.ToString())));
        options.AddPolicy(ChangeLog, p => p.RequireAuthenticatedUser().RequireRole(ChangeLogRoles.Select(r => r.ToString())));
        options.AddPolicy(UnblockApproval, p => p.RequireAuthenticatedUser().RequireRole(UnblockApprovalRoles.Select(r => r.ToString())));
        options.AddPolicy(FilteringInsight, p => p.RequireAuthenticatedUser().RequireRole(FilteringInsightRoles.Select(r => r.ToString())));
        options.AddPolicy(Safeguarding, p => p.RequireAuthenticatedUser().RequireRole(SafeguardingRoles.Select(r => r.ToString())));
        options.AddPolicy(Incidents, p => p.RequireAuthenticatedUser().RequireRole(ClassroomRoles.Select(r => r.ToString())));
        options.AddPolicy(AnnualReview, p => p.RequireAuthenticatedUser().RequireRole(AnnualReviewRoles.Select(r => r.ToString())));
        options.AddPolicy(WeeklyReport, p => p.RequireAuthenticatedUser().RequireRole(WeeklyReportRoles.Select(r => r.ToString())));
        options.AddPolicy(GovernorsReport, p => p.RequireAuthenticatedUser().RequireRole(GovernorsReportRoles.Select(r => r.ToString())));
        options.AddPolicy(Reports, p => p.RequireAuthenticatedUser().RequireRole(WeeklyReportRoles.Union(GovernorsReportRoles).Select(r => r.ToString())));
        options.AddPolicy(Classroom, p => p.RequireAuthenticatedUser().RequireRole(ClassroomRoles.Select(r => r.ToString())));
    }
}
