namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Helpers that run a reader over every prefix of an input.</summary>
internal static class Corpus
{
    /// <summary>Every strict prefix (0 .. length-1 bytes) must be rejected, without an exception.</summary>
    public static void EveryStrictPrefixFails(byte[] valid, Func<byte[], bool> tryRead)
    {
        Assert.True(tryRead(valid), "the complete input must be accepted");
        for (var length = 0; length < valid.Length; length++)
        {
            Assert.False(tryRead(valid[..length]), $"prefix of {length} of {valid.Length} bytes was accepted");
        }
    }

    /// <summary>Prefixes shorter than <paramref name="minimum"/> are rejected; none throws.</summary>
    public static void PrefixesShorterThanFail(byte[] valid, int minimum, Func<byte[], bool> tryRead)
    {
        Assert.True(tryRead(valid), "the complete input must be accepted");
        for (var length = 0; length < valid.Length; length++)
        {
            var accepted = tryRead(valid[..length]);
            if (length < minimum)
            {
                Assert.False(accepted, $"prefix of {length} bytes (minimum {minimum}) was accepted");
            }
        }
    }
}
