using System.Security.Cryptography;
using System.Text;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// A short name for the state of everything an image is built from: the index's blobs, uncommitted changes and new
/// files of the checkout, leaving out the tests and documentation (editing a test must not cost a rebuild). Two runs on
/// the same sources share one build.
/// </summary>
internal static class ImageSourceKey
{
    private static readonly string[] BuildInputs = ["--", ".", ":(exclude)tests", ":(exclude)docs", ":(exclude)*.md"];

    public static async Task<string> ComputeAsync(string repository)
    {
        var hash = new StringBuilder();
        hash.Append(await GitAsync(repository, ["ls-files", "-s", .. BuildInputs]));
        hash.Append(await GitAsync(repository, ["diff", "--binary", .. BuildInputs]));
        var untracked = await GitAsync(repository, ["ls-files", "-o", "--exclude-standard", .. BuildInputs]);
        hash.Append(untracked);
        foreach (var file in untracked.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.Combine(repository, file);
            hash.Append(File.Exists(full) ? Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(full))) : "-");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16];
    }

    private static async Task<string> GitAsync(string repository, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", ["-C", repository, .. arguments]);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {repository}: {result.Error}");
    }
}
