using ClassroomGuard.Console.Safeguarding.History;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>The block history's form and link checks: good values normalised, malformed and hostile ones refused in words.</summary>
public sealed class BlockHistoryValidationTests
{
    [Theory]
    [InlineData("YouTube.com", "youtube.com")]
    [InlineData(" m.youtube.com. ", "m.youtube.com")]
    [InlineData("https://www.bbc.co.uk/news?x=1", "www.bbc.co.uk")]
    [InlineData("*.poki.com", "poki.com")]
    public void Domain_Valid_Normalised(string text, string expected)
        => Assert.Equal((expected, null), BlockHistoryValidation.Domain(text));

    [Theory]
    [InlineData("not a site")]
    [InlineData("it's\"quoted\".example")]
    [InlineData("back\\slash.example")]
    [InlineData("a/b.example")]
    [InlineData("new\nline.example")]
    [InlineData("(.*)|x.example")]
    [InlineData("10.0.0.1")]
    [InlineData("com")]
    [InlineData("ftp://files.example.com")]
    [InlineData("exa mple.com")]
    public void Domain_MalformedOrHostile_RefusedInWords(string text)
    {
        var (domain, problem) = BlockHistoryValidation.Domain(text);

        Assert.Null(domain);
        Assert.Contains("is not a web site's name", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!); // quoted back on one line
    }

    [Fact]
    public void Domain_VeryLong_RefusedAndShortenedInTheMessage()
    {
        var (domain, problem) = BlockHistoryValidation.Domain(new string('a', 5000) + ".com");

        Assert.Null(domain);
        Assert.True(problem!.Length < 200);
    }

    [Theory]
    [InlineData("10.3.0.20", "10.3.0.20")]
    [InlineData(" fe80::1 ", "fe80::1")]
    [InlineData("::ffff:10.3.0.20", "10.3.0.20")]
    public void Address_Valid_AsTheFilterWritesIt(string text, string expected)
        => Assert.Equal((expected, null), BlockHistoryValidation.Address(text));

    [Theory]
    [InlineData("10.3.0")]
    [InlineData("10.3.0.256")]
    [InlineData("10.3.0.1' OR '1'='1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("1")]
    [InlineData("10.3\n.0.1")]
    [InlineData("010.3.0.1")]
    public void Address_MalformedOrHostile_Refused(string text)
    {
        var (address, problem) = BlockHistoryValidation.Address(text);

        Assert.Null(address);
        Assert.Contains("is not an IP address", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Grace")]
    [InlineData("O'Brien, \"Jo\"")]
    public void Pupil_Names_Accepted(string text) => Assert.Equal((text, null), BlockHistoryValidation.Pupil(text));

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("nul\0")]
    public void Pupil_ControlCharactersOrTooLong_Refused(string text)
        => Assert.NotNull(BlockHistoryValidation.Pupil(text).Problem);

    [Fact]
    public void Pupil_TooLong_Refused() => Assert.NotNull(BlockHistoryValidation.Pupil(new string('a', 101)).Problem);

    [Fact]
    public void TryRead_FullLink_ReadsEveryFilter()
    {
        var query = new Dictionary<string, string?>
        {
            ["device"] = "12", ["pupil"] = "Ada", ["address"] = "10.3.0.20", ["domain"] = "poki.com", ["category"] = "games",
            ["group"] = "ks3", ["rule"] = "TeacherAction", ["from"] = "2026-12-01", ["to"] = "2026-12-07",
        };

        Assert.True(BlockHistoryValidation.TryRead(query, out var form, out var device, out var problem));

        Assert.Null(problem);
        Assert.Equal(12, device);
        Assert.Equal(("Ada", "10.3.0.20", "poki.com", "games", "ks3", BlockRuleKind.TeacherAction), (form.Pupil, form.Address, form.Domain, form.Category, form.Group, form.Rule));
        Assert.Equal((new DateTime(2026, 12, 1), new DateTime(2026, 12, 7)), (form.From, form.To));
        form.Device = new HistoryDevice(12, "PC");
        Assert.Equal("device=12&pupil=Ada&address=10.3.0.20&domain=poki.com&category=games&group=ks3&rule=TeacherAction&from=2026-12-01&to=2026-12-07", form.ToQuery());
    }

    [Theory]
    [InlineData("device", "12a")]
    [InlineData("device", "0")]
    [InlineData("device", "99999999999999999999")]
    [InlineData("rule", "Everything")]
    [InlineData("rule", "7")]
    [InlineData("rule", "list")]
    [InlineData("from", "2026-12")]
    [InlineData("from", "2026-13-01")]
    [InlineData("to", "07/12/2026")]
    public void TryRead_Malformed_RefusedNamingTheParameter(string name, string value)
    {
        Assert.False(BlockHistoryValidation.TryRead(new Dictionary<string, string?> { [name] = value }, out _, out _, out var problem));

        Assert.StartsWith(name, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_FromAfterTo_Refused()
        => Assert.False(BlockHistoryValidation.TryRead(new Dictionary<string, string?> { ["from"] = "2026-12-07", ["to"] = "2026-12-01" }, out _, out _, out _));

    [Fact]
    public void TryRead_Nothing_IsEverything()
    {
        Assert.True(BlockHistoryValidation.TryRead(new Dictionary<string, string?>(), out var form, out var device, out _));

        Assert.Null(device);
        Assert.Equal(string.Empty, form.ToQuery());
    }
}
