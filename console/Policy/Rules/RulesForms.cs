using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>The form that maps a subnet, IP address or MAC address to a group.</summary>
public sealed class MappingForm
{
    public ClientMappingKind Kind { get; set; } = ClientMappingKind.Subnet;

    [MappingValueRule]
    public string? Value { get; set; }

    [Required(ErrorMessage = "Choose the group.")]
    public string? GroupKey { get; set; }

    [ReasonRule]
    public string? Reason { get; set; }
}

/// <summary>The form that maps an IP range (from–to) to a group.</summary>
public sealed class RangeForm
{
    [RangeEndRule(RangeField.From)]
    public string? From { get; set; }

    [RangeEndRule(RangeField.To)]
    public string? To { get; set; }

    [Required(ErrorMessage = "Choose the group.")]
    public string? GroupKey { get; set; }

    [ReasonRule]
    public string? Reason { get; set; }
}

/// <summary>The form that gives a device its own group, or takes it away.</summary>
public sealed class DeviceGroupForm
{
    [Required(ErrorMessage = "Choose the device: type part of its name, MAC or IP address.")]
    public DeviceChoice? Device { get; set; }

    /// <summary>The group key, or empty for "by its addresses".</summary>
    public string GroupKey { get; set; } = string.Empty;

    [ReasonRule]
    public string? Reason { get; set; }
}

/// <summary>The address tester's question.</summary>
public sealed class AddressTestForm
{
    [AddressRule(Mac = false)]
    public string? Ip { get; set; }

    [AddressRule(Mac = true, Optional = true)]
    public string? Mac { get; set; }
}

/// <summary>The form that adds an allow or deny entry.</summary>
public sealed class DomainRuleForm
{
    [DomainNameRule]
    public string? Domain { get; set; }

    [Required(ErrorMessage = "Choose whether the name is always allowed or always blocked.")]
    public RuleAction? Action { get; set; }

    /// <summary>The choice that means every group (never a group's key).</summary>
    public const string EveryGroup = "*";

    /// <summary>The refusal when neither every group nor one group was chosen.</summary>
    public const string ChooseGroup = "Choose every group or one group.";

    /// <summary>The group key, or <see cref="EveryGroup"/>; null until the technician chooses (there is no default).</summary>
    [Required(ErrorMessage = ChooseGroup)]
    public string? GroupKey { get; set; }

    [ReasonRule]
    public string? Reason { get; set; }
}

/// <summary>A reason as the change-control log takes it (<see cref="RulesAccess.ReasonProblem"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ReasonRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => RulesValidation.Result(RulesAccess.ReasonProblem(value as string), validationContext);
}

/// <summary>A mapping's value checked as the form's kind (subnet, IP address or MAC address).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MappingValueRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => RulesValidation.Result(MembershipService.Check((validationContext?.ObjectInstance as MappingForm)?.Kind ?? ClientMappingKind.Subnet, value as string).Problem, validationContext);
}

/// <summary>An IP address (<see cref="AddressRules.Ip"/>) or MAC address (<see cref="AddressRules.Mac"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AddressRuleAttribute : ValidationAttribute
{
    /// <summary>A MAC address rather than an IP address.</summary>
    public bool Mac { get; set; }

    /// <summary>Blank is allowed.</summary>
    public bool Optional { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var text = value as string;
        if (Optional && string.IsNullOrWhiteSpace(text))
        {
            return ValidationResult.Success;
        }

        return RulesValidation.Result(Mac ? AddressRules.Mac(text).Problem : AddressRules.Ip(text).Problem, validationContext);
    }
}

/// <summary>One end of an IP range; the last end also checks the range as a whole (<see cref="AddressRules.Range"/>).</summary>
/// <param name="end">Which end this property is.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeEndRuleAttribute(RangeField end) : ValidationAttribute
{
    /// <summary>Which end this property is.</summary>
    public RangeField End { get; } = end;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (End == RangeField.From)
        {
            return RulesValidation.Result(AddressRules.Ip(value as string).Problem, validationContext);
        }

        var form = validationContext?.ObjectInstance as RangeForm;
        if (form is null || !AddressRules.Ip(form.From).IsValid)
        {
            return RulesValidation.Result(AddressRules.Ip(value as string).Problem, validationContext);
        }

        var range = AddressRules.Range(form.From, value as string);
        return RulesValidation.Result(range.Field == RangeField.To ? range.Problem : null, validationContext);
    }
}

/// <summary>A domain name as the allow and deny lists take it (<see cref="DomainNames.Check"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DomainNameRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => RulesValidation.Result(DomainNames.Check(value as string).Problem, validationContext);
}

internal static class RulesValidation
{
    public static ValidationResult? Result(string? problem, ValidationContext? context)
        => problem is null ? ValidationResult.Success : new ValidationResult(problem, context?.MemberName is { } member ? [member] : null);
}
