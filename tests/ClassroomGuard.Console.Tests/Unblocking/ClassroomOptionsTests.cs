using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Console.Unblocking;

namespace ClassroomGuard.Console.Tests.Unblocking;

public sealed class ClassroomOptionsTests
{
    [Theory]
    [InlineData("01:00:00", "16:00", true)]
    [InlineData("00:50:00", "15:20", true)]
    [InlineData("00:05:00", "16:00", false)]
    [InlineData("05:00:00", "16:00", false)]
    [InlineData("01:00:00", "07:59", false)]
    [InlineData("01:00:00", "00:00", false)]
    public void Validate_LessonAndDayEnd_AcceptedOnlyWithinTheirRanges(string lesson, string dayEnd, bool valid)
    {
        var options = new ClassroomOptions { LessonLength = TimeSpan.Parse(lesson, System.Globalization.CultureInfo.InvariantCulture), SchoolDayEnd = TimeOnly.Parse(dayEnd, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();

        var ok = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
        Assert.All(results, r => Assert.StartsWith("Classroom:", r.ErrorMessage, StringComparison.Ordinal));
    }
}
