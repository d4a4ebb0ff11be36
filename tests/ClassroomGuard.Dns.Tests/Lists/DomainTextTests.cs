using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;

namespace ClassroomGuard.Dns.Tests.Lists;

public sealed class DomainTextTests
{
    [Theory]
    [InlineData("www.example.org", "www.example.org")]
    [InlineData("ads-1_x.example.org", "ads-1_x.example.org")]
    public void ToDotted_ListName_IsTheNameAsWritten(string name, string expected)
        => Assert.Equal(expected, DomainText.ToDotted(DnsName.FromText(name)));

    [Fact]
    public void ToDotted_EveryByteInALabel_OneLabelWithoutSeparatorsOrRawBytes()
    {
        // Issue #11: a client's raw bytes reach alerts and top_domains ("name=count,…"). A '.', ',' or '=' inside a
        // label, or a byte ≥ 0x80, must not make the name read as another name or break the list.
        for (var b = 0; b < 256; b++)
        {
            byte[] wire = [3, (byte)'x', (byte)b, (byte)'y', 4, .. "test"u8, 0];
            var text = DomainText.ToDotted(wire);
            var plain = char.IsAsciiLetterOrDigit((char)b) || b is '-' or '_';
            Assert.Equal(plain ? $"x{(char)b}y.test" : $"x\\{b:D3}y.test", text);
            Assert.DoesNotContain(',', text);
            Assert.DoesNotContain('=', text);
            Assert.All(text, c => Assert.InRange(c, (char)0x21, (char)0x7E));
        }
    }
}
