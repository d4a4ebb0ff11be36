using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>The school's lesson rhythm (configuration section <c>Classroom</c>), in the school's time zone (<c>State:TimeZone</c>).</summary>
public sealed class ClassroomOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Classroom";

    /// <summary>How long "for this lesson" lasts from the moment a teacher asks. Default 1 hour (10 minutes to 4 hours).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "04:00:00", ErrorMessage = "Classroom:LessonLength must be between 00:10:00 and 04:00:00.")]
    public TimeSpan LessonLength { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// <see cref="LessonLength"/> in whole minutes: the one lesson length of the console (an unblock "for this lesson", lesson
    /// focus's and a blank's or pause's "lesson" choice and default).
    /// </summary>
    public int LessonMinutes => (int)Math.Round(LessonLength.TotalMinutes);

    /// <summary>
    /// The end of the school day, school time: no teacher's unblock lasts beyond it. Default 16:00 (between 08:00 and 23:59).
    /// </summary>
    public TimeOnly SchoolDayEnd { get; set; } = new(16, 0);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SchoolDayEnd < new TimeOnly(8, 0))
        {
            yield return new ValidationResult("Classroom:SchoolDayEnd must be a time of day between 08:00 and 23:59, such as 16:00.", [nameof(SchoolDayEnd)]);
        }
    }
}
