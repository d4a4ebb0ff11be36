using ClassroomGuard.Console.Policy.Rules;

namespace ClassroomGuard.Console.Tests.Policy.Rules;

/// <summary>
/// The domain check of the allow and deny lists: what people paste is normalised to the name and said so, what cannot
/// be a name is refused with the reason (malformed, truncated and hostile input).
/// </summary>
public sealed class DomainNamesTests
{
    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("  Example.ORG. ", "example.org")]
    [InlineData("www.bbc.co.uk", "www.bbc.co.uk")]
    [InlineData("_dmarc.example.org", "_dmarc.example.org")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de")]
    [InlineData("a-b.example.org", "a-b.example.org")]
    public void Check_PlainName_AcceptedAsIsWithoutNote(string text, string expected)
    {
        var result = DomainNames.Check(text);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Value);
        Assert.Null(result.Note);
    }

    [Theory]
    [InlineData("https://www.example.org/path/page?x=1#top", "www.example.org", "You pasted a web address")]
    [InlineData("http://Example.org", "example.org", "You pasted a web address")]
    [InlineData("example.org/games", "example.org", "You pasted a web address")]
    [InlineData("www.example.org:8080", "www.example.org", "You pasted a web address")]
    [InlineData("https://user:secret@example.org/", "example.org", "You pasted a web address")]
    [InlineData("*.example.org", "example.org", "already covers every name under it")]
    [InlineData(".example.org", "example.org", "already covers every name under it")]
    [InlineData("bücher.de", "xn--bcher-kva.de", "written xn--bcher-kva.de in DNS")]
    [InlineData("https://bücher.de/x", "xn--bcher-kva.de", "written xn--bcher-kva.de in DNS")]
    [InlineData("ЕXAMPLE.org", "xn--xample-oif.org", "in DNS")] // a Cyrillic Е: the note shows it is not example.org
    public void Check_PastedOrWildcardOrUnicode_NormalisedAndSaidSo(string text, string expected, string note)
    {
        var result = DomainNames.Check(text);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(expected, result.Value);
        Assert.Contains(note, result.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Enter a domain name")]
    [InlineData("", "Enter a domain name")]
    [InlineData("   ", "Enter a domain name")]
    [InlineData("example .org", "no spaces")]
    [InlineData("example.org evil.com", "no spaces")]
    [InlineData("exa\tmple.org", "no spaces")]
    [InlineData("exa\u200Bmple.org", "invisible")]
    [InlineData("exa\u0000mple.org", "invisible")]
    [InlineData("ex*ample.org", "A * is not needed")]
    [InlineData("www.*.example.org", "A * is not needed")]
    [InlineData("10.1.20.31", "That is an IP address")]
    [InlineData("https://10.1.20.31/admin", "That is an IP address")]
    [InlineData("2001:db8::1", "That is an IP address")]
    [InlineData("localhost", "Enter a whole name")]
    [InlineData("com", "Enter a whole name")]
    [InlineData("example..org", "no empty parts")]
    [InlineData("-example.org", "starts or ends with a hyphen")]
    [InlineData("example-.org", "starts or ends with a hyphen")]
    [InlineData("exa!mple.org", "'!' cannot be part of one")]
    [InlineData("example.org;rm -rf", "no spaces")]
    [InlineData("<script>.org", "cannot be part of one")]
    [InlineData("example.123", "does not end in a number")]
    [InlineData("javascript:alert(1)", "cannot be read")]
    [InlineData("file:///etc/passwd", "cannot be read")]
    [InlineData("*", "A * is not needed")]
    [InlineData("*.", "Enter a domain name")]
    [InlineData(".", "Enter a domain name")]
    public void Check_Malformed_RefusedWithTheReason(string? text, string expected)
    {
        var result = DomainNames.Check(text);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_300CharacterName_RefusedAsTooLong()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 50), 6)) + ".org"; // 309 characters

        var result = DomainNames.Check(name);

        Assert.False(result.IsValid);
        Assert.Contains("at most 253 characters", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_64CharacterLabel_Refused()
    {
        var result = DomainNames.Check(new string('a', 64) + ".org");

        Assert.False(result.IsValid);
        Assert.Contains("at most 63 characters", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Megabyte_RefusedBeforeParsing()
    {
        var result = DomainNames.Check(new string('a', 1_000_000));

        Assert.False(result.IsValid);
        Assert.Contains("far too long", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EveryTruncatedPrefix_RefusedOrAStableName()
    {
        const string Full = "https://www.bücher.example.org:443/path?q=1";
        var accepted = 0;
        for (var i = 0; i <= Full.Length; i++)
        {
            var result = DomainNames.Check(Full[..i]);
            if (result.IsValid)
            {
                // What is accepted is a name the check takes back unchanged: normalising twice changes nothing.
                accepted++;
                Assert.Equal(result.Value, DomainNames.Check(result.Value).Value);
                Assert.Null(DomainNames.Check(result.Value).Note);
            }
        }

        Assert.InRange(accepted, 1, Full.Length);
        Assert.Equal("www.xn--bcher-kva.example.org", DomainNames.Check(Full).Value);
    }
}
