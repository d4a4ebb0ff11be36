using System.Text.RegularExpressions;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Administration;

public sealed partial class AuditSentencesTests
{
    /// <summary>Every audit key written in console/ and storage/ (found by reading the source), with where it is written.</summary>
    public static TheoryData<string, string> KeysWritten()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, file) in ScanSource().DistinctBy(k => k.Key))
        {
            data.Add(key, file);
        }

        return data;
    }

    [Fact]
    public void ScanSource_FindsTheKnownWriters()
    {
        var keys = ScanSource().Select(k => k.Key).ToHashSet();

        // One written by AdminActions, one by the account page, one by the storage in its own transaction.
        Assert.Contains("user.create", keys);
        Assert.Contains("user.password_change", keys);
        Assert.Contains("token.revoke", keys);
        Assert.Contains("user.enable", keys); // the second branch of a conditional
    }

    [Theory]
    [MemberData(nameof(KeysWritten))]
    public void EveryKeyWritten_HasASentence(string key, string writtenIn)
        => Assert.True(AuditSentences.Keys.Contains(key), $"The audit key '{key}' written in {writtenIn} has no sentence in AuditSentences.");

    [Theory]
    [InlineData("user.create", "user 'jsmith'", "roles Teacher", "Tom Jones created the account 'jsmith' with the role Teacher.")]
    [InlineData("user.create", "user 'jsmith'", "roles Teacher, SafeguardingLead", "Tom Jones created the account 'jsmith' with the roles Teacher and Safeguarding lead.")]
    [InlineData("user.roles", "user 'jsmith'", "roles Technician, Governor, Administrator", "Tom Jones changed the roles of 'jsmith' to Technician, Governor and Administrator.")]
    [InlineData("user.password_change", "user 'tjones'", "own password", "Tom Jones changed their own password.")]
    [InlineData("user.disable", "user 'jsmith'", "", "Tom Jones disabled the account 'jsmith' (they cannot sign in).")]
    [InlineData("room.create", "room 'IT1'", "site 'Main'", "Tom Jones added the room 'IT1' on the site 'Main'.")]
    [InlineData("device.room", "device 'LAPTOP-07'", "room 'IT1'", "Tom Jones put the device 'LAPTOP-07' in the room 'IT1'.")]
    [InlineData("device.room", "device 'LAPTOP-07'", "no room", "Tom Jones took the device 'LAPTOP-07' out of its room.")]
    [InlineData("device.room", "device 17", "no room", "Tom Jones took the device (not named) out of its room.")]
    [InlineData("token.create", "room 'IT1'", "token …Ab3d, expires 2026-11-30 09:00:00Z", "Tom Jones made an agent enrolment token ending …Ab3d for the room 'IT1'.")]
    public void Describe_KnownKey_IsASentenceWithoutKeysOrIds(string action, string target, string detail, string expected)
    {
        var entry = new AuditEntry(1, DateTimeOffset.UnixEpoch, 7, "tjones", action, target, detail);

        Assert.Equal(expected, AuditSentences.Describe(entry, "Tom Jones"));
    }

    [Fact]
    public void Kinds_CoverEveryKey()
        => Assert.All(AuditSentences.Keys, k => Assert.NotEqual("Other", AuditSentences.KindOf(k)));

    private static IEnumerable<(string Key, string File)> ScanSource()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ClassroomGuard.slnx")) && !Directory.Exists(Path.Combine(root.FullName, "storage", "State")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        foreach (var folder in new[] { "console", "storage" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root.FullName, folder), "*.*", SearchOption.AllDirectories)
                .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var text = File.ReadAllText(file);
                foreach (Match call in AuditCall().Matches(text))
                {
                    // The key is among the call's first arguments, before the target (an interpolated string) or the
                    // end of the call: every "word.word" literal there.
                    var window = text.Substring(call.Index, Math.Min(400, text.Length - call.Index));
                    var end = new[] { "$\"", ");", "{" }.Select(m => window.IndexOf(m, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(window.Length).Min();
                    foreach (Match key in KeyLiteral().Matches(window[..end]))
                    {
                        yield return (key.Groups["key"].Value, Path.GetRelativePath(root.FullName, file));
                    }
                }
            }
        }
    }

    // Where audit entries are written: the repository, the storage's in-transaction append, and AdminActions' helper.
    [GeneratedRegex(@"(AdminAudit\.RecordAsync|AdminAuditRepository\.Append|\bAuditAsync)\(", RegexOptions.CultureInvariant)]
    private static partial Regex AuditCall();

    [GeneratedRegex("\"(?<key>[a-z]+\\.[a-z_]+(\\.[a-z_]+)?)\"", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLiteral();
}
