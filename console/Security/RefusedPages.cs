using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Words for the 403 page: which page was refused, by its title as the menu names it (never a bare path when the
/// console knows the page), and where the signed-in person can go instead, by their roles.
/// </summary>
internal static class RefusedPages
{
    // Longest prefix first: "/admin/users/7" is the Users page, "/policy/groups/ks3" is a group's page.
    private static readonly (string Prefix, string Title)[] Titles =
    [
        ("/admin/changes", "Approvals"),
        ("/admin/users", "Users"),
        ("/admin/rooms", "Rooms & enrolment"),
        ("/admin/devices", "Devices"),
        ("/admin/teachers", "Teachers' rooms"),
        ("/admin/focus-lists", "Lesson focus lists"),
        ("/admin/audit", "Audit log"),
        ("/policy/groups", "Groups"),
        ("/policy/membership", "Who is in which group"),
        ("/policy/domains", "Allow & deny lists"),
        ("/policy/calendar", "School calendar"),
        ("/policy/lists", "Blocklists"),
        ("/policy/why", "Why is this blocked?"),
        ("/change-log", "Change-control log"),
        ("/unblock-requests", "Unblock requests"),
        ("/review", "Annual review"),
        ("/alerts", "Alerts"),
        ("/blocks", "Block history"),
        ("/incidents", "Incident log"),
        ("/rooms", "Classrooms"),
        ("/reports/governors", "Governors' report"),
        ("/reports/weekly", "Weekly traffic report"),
    ];

    /// <summary>The refused page in words: "the page “Approvals”" (its name in the menu), or "the page at /x/y" when the console has no title for it.</summary>
    public static string Title(PathString path)
    {
        var value = path.Value ?? "/";
        foreach (var (prefix, title) in Titles)
        {
            if (value.Equals(prefix, StringComparison.OrdinalIgnoreCase) || value.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))
            {
                return $"the page \u201c{title}\u201d";
            }
        }

        return $"the page at {(value.Length > 80 ? value[..80] + "…" : value)}";
    }

    /// <summary>The pages this person can use instead (link, label), most useful first; Home is always offered by the page itself.</summary>
    public static IReadOnlyList<(string Href, string Label)> Instead(ConsoleUser? user)
    {
        if (user is null)
        {
            return [];
        }

        if (user.Display is { } display)
        {
            return [(display.RoomPath, "this display's room")];
        }

        var links = new List<(string, string)>();
        if (user.Roles.Contains(Role.Governor))
        {
            links.Add(("/change-log", "the change-control log"));
            links.Add(("/review", "the annual review"));
        }

        if (Policies.ClassroomRoles.Any(user.Roles.Contains))
        {
            links.Add(("/rooms", "your classrooms"));
        }

        if (Policies.UnblockApprovalRoles.Any(user.Roles.Contains))
        {
            links.Add(("/unblock-requests", "unblock requests"));
        }

        if (user.IsAdministration)
        {
            links.Add(("/admin/changes", "Approvals"));
        }
        else if (!user.Roles.Contains(Role.Governor) && Policies.ChangeLogRoles.Any(user.Roles.Contains))
        {
            links.Add(("/change-log", "the change-control log"));
        }

        return links;
    }
}
