using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Components.Shared;

/// <summary>Form fields of <see cref="RoleChoices"/>, one tick box per role.</summary>
public class RoleForm
{
    public bool Teacher { get; set; }

    public bool Technician { get; set; }

    public bool SafeguardingLead { get; set; }

    public bool Governor { get; set; }

    public bool Administrator { get; set; }

    /// <summary>The roles ticked.</summary>
    public IReadOnlyList<Role> Roles => AdminValidation.Roles(Teacher, Technician, SafeguardingLead, Governor, Administrator);
}
