using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>Roles in words, with what each may do: what the user list, the role tick boxes and the audit show.</summary>
public static class RoleNames
{
    /// <summary>Every role in the order the forms list them, with its name and what it is for.</summary>
    public static IReadOnlyList<(Role Role, string Name, string Help)> All { get; } =
    [
        (Role.Teacher, "Teacher", "watches and controls their classroom"),
        (Role.Technician, "Technician", "devices, rooms, filtering (with a second person's approval)"),
        (Role.SafeguardingLead, "Safeguarding lead", "incidents, alerts, approves temporary unblocks"),
        (Role.Governor, "Governor", "read-only reports"),
        (Role.Administrator, "Administrator", "everything, including administrators' accounts"),
    ];

    /// <summary>The role's name in words ("Safeguarding lead").</summary>
    public static string Name(Role role) => All.FirstOrDefault(r => r.Role == role).Name ?? role.ToString();

    /// <summary>Roles in words, in the forms' order: "Teacher and Safeguarding lead".</summary>
    public static string List(IEnumerable<Role> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var names = roles.Distinct().Order().Select(Name).ToList();
        return names.Count switch
        {
            0 => "no role",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " and " + names[^1],
        };
    }

    /// <summary>Roles written as enum names in an audit detail ("Teacher, SafeguardingLead"), in words; unknown names kept.</summary>
    public static string FromAuditText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.All(p => Enum.TryParse<Role>(p, out _))
            ? List(parts.Select(Enum.Parse<Role>))
            : text;
    }
}
