using System.Formats.Tar;
using System.Text;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// Upgrade bundles for an image's tests, made from the bundle built with it (<c>releases/&lt;version&gt;/…</c> as a tar):
/// the same release under a newer version (what the next build would bring), or that release broken so that its
/// console cannot start (what must roll back).
/// </summary>
internal static class UpgradeBundle
{
    /// <summary>
    /// Writes <paramref name="target"/>: <paramref name="source"/>'s release renamed to <paramref name="newVersion"/>
    /// (its <c>VERSION</c> file too); with <paramref name="breakConsole"/>, the console's assembly is not one.
    /// </summary>
    public static async Task WriteAsync(string source, string target, string oldVersion, string newVersion, bool breakConsole)
    {
        var from = $"releases/{oldVersion}";
        var to = $"releases/{newVersion}";
        await using var input = File.OpenRead(source);
        await using var output = File.Create(target);
        await using var reader = new TarReader(input);
        await using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: false);
        var renamed = 0;
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (name.StartsWith(from, StringComparison.Ordinal))
            {
                entry.Name = to + name[from.Length..];
                renamed++;
            }

            var relative = entry.Name.Length > to.Length ? entry.Name[(to.Length + 1)..] : string.Empty;
            if (relative == "VERSION")
            {
                entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(newVersion + "\n"));
            }
            else if (breakConsole && relative == "console/ClassroomGuard.Console.dll")
            {
                entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes("not an assembly: a broken build for the rollback test\n"));
            }

            await writer.WriteEntryAsync(entry);
        }

        if (renamed == 0)
        {
            throw new InvalidOperationException($"{source} holds nothing under {from}/: not the upgrade bundle of version {oldVersion}");
        }
    }
}
