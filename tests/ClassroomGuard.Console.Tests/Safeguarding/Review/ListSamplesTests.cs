using ClassroomGuard.Console.Safeguarding.Review;

namespace ClassroomGuard.Console.Tests.Safeguarding.Review;

/// <summary>Candidate names from list lines: every list format's lines, and malformed, truncated and hostile ones.</summary>
public sealed class ListSamplesTests
{
    public static TheoryData<string, string?> Lines => new()
    {
        { "example.test", "example.test" },
        { "  Example.TEST.  ", "example.test" },
        { "0.0.0.0 hosts-name.test other.test", "hosts-name.test" },
        { "127.0.0.1\tlocal-list.test", "local-list.test" },
        { "||adblock.test^", "adblock.test" },
        { "*.wild.test", "wild.test" },
        { ".leading.test", "leading.test" },
        { "# a comment.test", null },
        { "! adblock comment.test", null },
        { "[Adblock Plus 2.0]", null },
        { "@@||exception.test^", null },
        { "", null },
        { "   ", null },
        { "localhost", null },
        { "10.0.0.1", null },
        { "::1", null },
        { "two..dots.test", null },
        { "||path.test/ads^", null },
        { "bad name;drop.test", null },
        { "<script>.test", null },
        { "名前.test", null },
        { "a.", null },
        { "||", null },
        { "^", null },
        { "*.", null },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Candidate_ReadsEachFormatAndRefusesTheRest(string line, string? expected) => Assert.Equal(expected, ListSamples.Candidate(line));

    [Fact]
    public void Candidate_OverLongName_IsRefused() => Assert.Null(ListSamples.Candidate(new string('a', 250) + ".test"));

    [Fact]
    public void FromLines_StopsAtTheLimit_AndGivesEachNameOnce()
    {
        var lines = new[] { "same.test", "same.test" }.Concat(Enumerable.Range(0, 100).Select(i => $"n{i}.test"));

        var names = ListSamples.FromLines(lines);

        Assert.Equal(ListSamples.MaxCandidates, names.Count);
        Assert.Equal("same.test", names[0]);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void FromLines_ReadsNoFurtherThanMaxLines()
        => Assert.Empty(ListSamples.FromLines(Enumerable.Repeat("# comment", ListSamples.MaxLines).Append("late.test")));

    [Fact]
    public void Read_MissingFile_SaysWhy()
    {
        var (names, problem) = ListSamples.Read(Path.Combine(Path.GetTempPath(), "cg-no-such-" + Guid.NewGuid().ToString("N"), "domains"));

        Assert.Empty(names);
        Assert.NotNull(problem);
    }

    [Fact]
    public void Read_BinaryGarbage_GivesNothingAndDoesNotThrow()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 256))]);
            var (names, problem) = ListSamples.Read(path);
            Assert.Null(problem);
            Assert.All(names, n => Assert.Matches("^[a-z0-9._-]+$", n));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
