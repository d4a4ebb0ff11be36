using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>A form with a user name the password must not contain.</summary>
public interface IHasUserName
{
    /// <summary>The user name the password is for.</summary>
    string? UserName { get; }
}

/// <summary>Tick boxes for the five roles.</summary>
public class RoleTicks
{
    private readonly HashSet<Role> ticked = [];

    /// <summary>The roles ticked, in the forms' order (a refusal about roles is shown against this field).</summary>
    public IReadOnlyList<Role> Roles => RoleNames.All.Select(r => r.Role).Where(ticked.Contains).ToList();

    /// <summary>Whether <paramref name="role"/> is ticked.</summary>
    public bool IsTicked(Role role) => ticked.Contains(role);

    /// <summary>Ticks or unticks <paramref name="role"/>.</summary>
    public void Set(Role role, bool value)
    {
        if (value)
        {
            ticked.Add(role);
        }
        else
        {
            ticked.Remove(role);
        }
    }

    /// <summary>Ticks exactly <paramref name="roles"/>.</summary>
    public void SetAll(IEnumerable<Role> roles)
    {
        ticked.Clear();
        ticked.UnionWith(roles);
    }
}

/// <summary>The form that adds a user.</summary>
public sealed class NewUserForm : RoleTicks, IHasUserName
{
    [UserNameRule]
    public string? UserName { get; set; }

    [NameRule("display name")]
    public string? DisplayName { get; set; }

    [PasswordRule]
    public string? Password { get; set; }
}

/// <summary>The form that resets someone's password.</summary>
public sealed class PasswordResetForm : IHasUserName
{
    /// <summary>Whose password it is (not typed: set by the page).</summary>
    public string? UserName { get; set; }

    [PasswordRule]
    public string? Password { get; set; }
}

/// <summary>The form that adds a site.</summary>
public sealed class SiteForm
{
    [NameRule("site name")]
    public string? Name { get; set; }
}

/// <summary>The form that adds a room.</summary>
public sealed class RoomForm
{
    [Required(ErrorMessage = "Choose the site the room is on.")]
    public long? SiteId { get; set; }

    [NameRule("room name")]
    public string? Name { get; set; }
}

/// <summary>The form that adds a device by hand.</summary>
public sealed class DeviceForm
{
    [NameRule("device name", Optional = true)]
    public string? Name { get; set; }

    [StringLength(32, ErrorMessage = "A MAC address is at most 32 characters.")]
    public string? Mac { get; set; }

    [StringLength(45, ErrorMessage = "An IP address is at most 45 characters.")]
    public string? Ip { get; set; }

    public long? RoomId { get; set; }
}

/// <summary>The form that proposes a device's filtering group.</summary>
public sealed class GroupProposalForm
{
    /// <summary>The group key, or empty for "by its address".</summary>
    public string GroupKey { get; set; } = string.Empty;

    [Required(ErrorMessage = "Say why the device's filtering group should change: the reason goes in the change-control log.")]
    [StringLength(AdminValidation.MaxReasonLength, ErrorMessage = "A reason is at most 200 characters.")]
    public string? Reason { get; set; }
}

/// <summary>The form that approves or rejects a change.</summary>
public sealed class DecisionForm : IValidatableObject
{
    public bool Approve { get; set; }

    [StringLength(AdminValidation.MaxReasonLength, ErrorMessage = "A comment is at most 200 characters.")]
    public string? Comment { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Approve && string.IsNullOrWhiteSpace(Comment))
        {
            yield return new ValidationResult("Say why the change is rejected: the reason goes in the change-control log.", [nameof(Comment)]);
        }
    }
}

/// <summary>A user name as <see cref="AdminValidation.UserName"/> accepts it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UserNameRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => Result(AdminValidation.UserName(value as string), validationContext);

    internal static ValidationResult? Result(string? problem, ValidationContext context)
        => problem is null ? ValidationResult.Success : new ValidationResult(problem, context?.MemberName is { } member ? [member] : null);
}

/// <summary>A display, site, room or device name as <see cref="AdminValidation.Name"/> accepts it.</summary>
/// <param name="what">What the name is of, for the message ("room name").</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NameRuleAttribute(string what) : ValidationAttribute
{
    /// <summary>What the name is of.</summary>
    public string What { get; } = what;

    /// <summary>Blank is allowed (the field is optional).</summary>
    public bool Optional { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => Optional && string.IsNullOrWhiteSpace(value as string)
            ? ValidationResult.Success
            : UserNameRuleAttribute.Result(AdminValidation.Name(value as string, What), validationContext);
}

/// <summary>A password as <see cref="AdminValidation.Password"/> accepts it for the form's user name.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PasswordRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => UserNameRuleAttribute.Result(AdminValidation.Password(value as string, (validationContext?.ObjectInstance as IHasUserName)?.UserName), validationContext!);
}
