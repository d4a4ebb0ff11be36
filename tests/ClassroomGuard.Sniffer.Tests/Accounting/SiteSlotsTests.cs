using ClassroomGuard.Sniffer.Accounting.Internal;

namespace ClassroomGuard.Sniffer.Tests.Accounting;

/// <summary>One address's per-second site slots when full: facts come first, a guess never pushes a fact out.</summary>
public sealed class SiteSlotsTests
{
    [Fact]
    public void AddSite_AllSlotsFacts_AHeavyGuessPushesNoFactOut()
    {
        var record = default(AddressSecond);
        for (var i = 0; i < AddressSecond.SiteSlots; i++)
        {
            record.AddSite(nameId: 100 + i, bytes: 100 * (i + 1));
        }

        record.AddSite(nameId: 999, bytes: 1_000_000, inferred: true);

        Assert.Equal(AddressSecond.SiteSlots, record.SitesUsed);
        for (var i = 0; i < AddressSecond.SiteSlots; i++)
        {
            Assert.Equal(new SiteBytes(100 + i, 100 * (i + 1)), record.Sites[i]);
        }
    }

    [Fact]
    public void AddSite_Full_AGuessReplacesOnlyAGuessAndAFactReplacesAGuessFirst()
    {
        var record = default(AddressSecond);
        for (var i = 0; i < AddressSecond.SiteSlots - 1; i++)
        {
            record.AddSite(nameId: 100 + i, bytes: 1_000 + i);
        }

        record.AddSite(nameId: 900, bytes: 10, inferred: true);

        // A new guess takes the guess's slot and starts from its count (space-saving).
        record.AddSite(nameId: 901, bytes: 50, inferred: true);
        Assert.Equal(new SiteBytes(901, 60, Inferred: true), record.Sites[AddressSecond.SiteSlots - 1]);

        // A fact smaller than every other site still enters, in the guess's place, starting from its own bytes.
        record.AddSite(nameId: 200, bytes: 5);
        Assert.Equal(new SiteBytes(200, 5), record.Sites[AddressSecond.SiteSlots - 1]);
        for (var i = 0; i < AddressSecond.SiteSlots - 1; i++)
        {
            Assert.Equal(new SiteBytes(100 + i, 1_000 + i), record.Sites[i]);
        }
    }

    [Fact]
    public void AddSite_Full_AGuessBiggerThanTheSmallestFactStillReplacesOnlyAGuess()
    {
        var record = default(AddressSecond);
        record.AddSite(nameId: 1, bytes: 1); // the smallest site of all is a fact
        for (var i = 1; i < AddressSecond.SiteSlots - 1; i++)
        {
            record.AddSite(nameId: 100 + i, bytes: 1_000);
        }

        record.AddSite(nameId: 900, bytes: 500, inferred: true);
        record.AddSite(nameId: 901, bytes: 10_000, inferred: true);

        Assert.Equal(new SiteBytes(1, 1), record.Sites[0]);
        Assert.Equal(new SiteBytes(901, 10_500, Inferred: true), record.Sites[AddressSecond.SiteSlots - 1]);
    }
}
