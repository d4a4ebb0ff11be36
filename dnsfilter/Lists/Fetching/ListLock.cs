using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// An advisory lock file in the list directory (<c>.lock-ut1</c>, <c>.lock-feeds</c>): one download of a kind at a
/// time across processes (set-up's <c>fetch-lists</c> and the running filter). Released when the stream is disposed or
/// the process dies.
/// </summary>
internal static class ListLock
{
    /// <summary>The lock around UT1's download.</summary>
    public const string Ut1 = ".lock-ut1";

    /// <summary>The lock around feeds' downloads.</summary>
    public const string Feeds = ".lock-feeds";

    /// <summary>How long to wait for another process's download (longer than a download's own 30-minute limit).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(45);

    /// <summary>Holds <paramref name="name"/> in <paramref name="root"/>, waiting (and saying so once) while another process holds it.</summary>
    public static async Task<FileStream> AcquireAsync(string root, string name, string what, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, name);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < MaxWait)
            {
                if (!said)
                {
                    FetchLog.WaitingForLock(logger, what, path);
                    said = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // another process is fetching: wait for it
            }
        }
    }
}
