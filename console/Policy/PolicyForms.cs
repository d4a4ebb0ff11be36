using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Policy;

/// <summary>The form fields a policy refusal can point at (property names of the form models below).</summary>
public static class PolicyFields
{
    public const string Reason = nameof(ProposalForm.Reason);
    public const string Name = nameof(NewGroupForm.Name);
    public const string Days = nameof(ScheduleForm.Days);
    public const string Start = nameof(ScheduleForm.Start);
    public const string End = nameof(ScheduleForm.End);
    public const string Category = nameof(ScheduleForm.Category);
    public const string Text = nameof(BlockPageForm.Text);
    public const string FirstDay = nameof(CalendarForm.FirstDay);
    public const string LastDay = nameof(CalendarForm.LastDay);
}

/// <summary>The reason every proposal carries into the change-control log.</summary>
public sealed class ProposalForm
{
    [Required(ErrorMessage = "Say why: the reason goes in the change-control log that the second person and the governors read.")]
    [StringLength(AdminValidation.MaxReasonLength, ErrorMessage = "A reason is at most 200 characters.")]
    public string? Reason { get; set; }
}

/// <summary>The form that proposes a new filtering group. Its key is derived from the name and never shown.</summary>
public sealed class NewGroupForm
{
    [Required(ErrorMessage = "Enter the group's name, for example 'Key stage 3'.")]
    [StringLength(PolicyValidation.MaxNameLength, ErrorMessage = "A group name is at most 60 characters.")]
    public string? Name { get; set; }

    public GroupKind Kind { get; set; } = GroupKind.Pupils;

    /// <summary>The group whose blocked categories the new one starts with; empty for "only the always-blocked ones".</summary>
    public string CopyFrom { get; set; } = string.Empty;
}

/// <summary>The form that proposes a new name for a group.</summary>
public sealed class RenameGroupForm
{
    [Required(ErrorMessage = "Enter the group's new name.")]
    [StringLength(PolicyValidation.MaxNameLength, ErrorMessage = "A group name is at most 60 characters.")]
    public string? Name { get; set; }
}

/// <summary>The form that proposes a time window for one category of a group.</summary>
public sealed class ScheduleForm : IValidatableObject
{
    public string? Category { get; set; }

    public ScheduleEffect Effect { get; set; } = ScheduleEffect.Allow;

    /// <summary>The weekdays ticked.</summary>
    public SchoolDays Days { get; set; } = SchoolDays.Weekdays;

    public TimeSpan? Start { get; set; } = new(12, 0, 0);

    public TimeSpan? End { get; set; } = new(13, 0, 0);

    public bool TermTimeOnly { get; set; }

    /// <summary>Ticks or unticks <paramref name="day"/>.</summary>
    public void SetDay(SchoolDays day, bool ticked) => Days = ticked ? Days | day : Days & ~day;

    /// <inheritdoc />
    /// <remarks>Every check here rather than in attributes, so all the form's problems show at once (attributes that
    /// fail stop <see cref="IValidatableObject"/> from running).</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Category))
        {
            yield return new ValidationResult("Choose the category the window is for.", [nameof(Category)]);
        }

        if (PolicyValidation.Days(Days) is { } days)
        {
            yield return new ValidationResult(days, [nameof(Days)]);
        }

        if (PolicyValidation.Window(Start, End) is { } window)
        {
            yield return new ValidationResult(window.Message, [window.Field]);
        }
    }
}

/// <summary>The form that proposes a group's block page text.</summary>
public sealed class BlockPageForm
{
    [StringLength(PolicyValidation.MaxBlockPageText, ErrorMessage = "The block page text is at most 500 characters.")]
    public string? Text { get; set; }
}

/// <summary>The form that proposes a term or holiday for the school calendar.</summary>
public sealed class CalendarForm : IValidatableObject
{
    public CalendarEntryKind Kind { get; set; } = CalendarEntryKind.Term;

    [Required(ErrorMessage = "Enter a name, for example 'Autumn term' or 'October half term'.")]
    [StringLength(PolicyValidation.MaxNameLength, ErrorMessage = "A name is at most 60 characters.")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Choose the first day.")]
    public DateTime? FirstDay { get; set; }

    [Required(ErrorMessage = "Choose the last day.")]
    public DateTime? LastDay { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PolicyValidation.Dates(FirstDay, LastDay) is { } dates)
        {
            yield return new ValidationResult(dates, [nameof(LastDay)]);
        }
    }
}
