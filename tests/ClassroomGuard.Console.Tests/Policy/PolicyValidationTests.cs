using ClassroomGuard.Console.Policy;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Policy;

/// <summary>The editor's own checks: group keys derived from names, windows, days, dates and block page text.</summary>
public sealed class PolicyValidationTests
{
    public static TheoryData<string, string> Names => new()
    {
        { "Key stage 3", "key-stage-3" },
        { "  Sixth   form  ", "sixth-form" },
        { "Pupils: Key Stage 4", "pupils-key-stage-4" },
        { "Élèves à l'école", "eleves-a-l-ecole" },
        { "Year 7/8 (mixed)", "year-7-8-mixed" },
        { "🙂🙂", "group" },
        { "----", "group" },
        { "<script>alert(1)</script>", "script-alert-1-script" },
        { "'; DROP TABLE groups; --", "drop-table-groups" },
        { "Ünïcödé\u0000NUL", "unicode-nul" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void KeyFromName_AnyName_LowerCaseLettersDigitsAndHyphens(string name, string key)
    {
        var derived = PolicyValidation.KeyFromName(name, new HashSet<string>());

        Assert.Equal(key, derived);
        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", derived);
    }

    [Fact]
    public void KeyFromName_Taken_NumberedUntilFree()
    {
        var taken = new HashSet<string> { "staff", "staff-2" };

        Assert.Equal("staff-3", PolicyValidation.KeyFromName("Staff", taken));
    }

    [Fact]
    public void KeyFromName_VeryLongName_CutToTheLimitWithoutATrailingHyphen()
    {
        var key = PolicyValidation.KeyFromName(string.Concat(Enumerable.Repeat("ab ", 200)), new HashSet<string>());

        Assert.True(key.Length <= PolicyValidation.MaxKeyLength);
        Assert.False(key.EndsWith('-'));
    }

    public static TheoryData<string?, string?, string?> Windows => new()
    {
        { "12:00", "13:00", null },
        { "00:00", "00:00", null }, // a whole day: 00:00 as an end is midnight at the end of the day
        { "23:00", "00:00", null },
        { "13:00", "12:00", PolicyFields.End },
        { "12:00", "12:00", PolicyFields.End },
        { null, "12:00", PolicyFields.Start },
        { "12:00", null, PolicyFields.End },
        { "-00:01", "12:00", PolicyFields.Start },
        { "12:00", "1.00:00", PolicyFields.End },
        { "1.00:00", "1.01:00", PolicyFields.Start },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Window_StartAndEnd_RefusedBesideTheFieldAtFault(string? start, string? end, string? field)
    {
        var problem = PolicyValidation.Window(start is null ? null : TimeSpan.Parse(start, System.Globalization.CultureInfo.InvariantCulture), end is null ? null : TimeSpan.Parse(end, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(field, problem?.Field);
    }

    [Theory]
    [InlineData(SchoolDays.None, false)]
    [InlineData(SchoolDays.Monday, true)]
    [InlineData(SchoolDays.Weekdays, true)]
    [InlineData(SchoolDays.All, true)]
    [InlineData((SchoolDays)128, false)]
    [InlineData((SchoolDays)(-1), false)]
    public void Days_NoneOrUnknownBits_Refused(SchoolDays days, bool ok)
        => Assert.Equal(ok, PolicyValidation.Days(days) is null);

    [Theory]
    [InlineData("2026-09-01", "2026-12-18", true)]
    [InlineData("2026-09-01", "2026-09-01", true)]
    [InlineData("2026-09-02", "2026-09-01", false)]
    [InlineData("2026-01-01", "2027-06-01", false)]
    public void Dates_LastBeforeFirstOrOverAYear_Refused(string first, string last, bool ok)
        => Assert.Equal(ok, PolicyValidation.Dates(DateTime.Parse(first, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(last, System.Globalization.CultureInfo.InvariantCulture)) is null);

    [Fact]
    public void BlockPageText_LinesAllowed_ControlCharactersAndOverLengthRefused()
    {
        Assert.Null(PolicyValidation.BlockPageText("Blocked by the school.\nAsk your teacher.\r\n\tThanks"));
        Assert.Null(PolicyValidation.BlockPageText(new string('a', 500)));
        Assert.NotNull(PolicyValidation.BlockPageText(new string('a', 501)));
        Assert.NotNull(PolicyValidation.BlockPageText("bell\u0007"));
        Assert.NotNull(PolicyValidation.BlockPageText("escape \u001b[31m red"));
    }

    [Fact]
    public void Overlaps_SharedDayAndTime_OnlyThen()
    {
        var lunch = new PolicySchedule(1, "staff", "games", ScheduleEffect.Allow, SchoolDays.Weekdays, 720, 780);

        Assert.True(PolicyValidation.Overlaps(SchoolDays.Monday, 750, 800, lunch));
        Assert.False(PolicyValidation.Overlaps(SchoolDays.Monday, 780, 840, lunch)); // ends are exclusive: back to back is fine
        Assert.False(PolicyValidation.Overlaps(SchoolDays.Saturday, 700, 800, lunch));
    }
}
