using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ClassroomGuard.DnsFilter.Lists.Fetching;

/// <summary>
/// Where a list comes from: an http(s) URL (credentials in its user-info are sent as Basic authentication and never
/// shown), or, for a school without internet access to the publisher, an absolute path (or <c>file://</c> URL) of a
/// copy on this machine. The same checks apply to both.
/// </summary>
public sealed class ListAddress
{
    private ListAddress(Uri? uri, string? path, string shown, AuthenticationHeaderValue? authorization)
    {
        Uri = uri;
        LocalPath = path;
        Shown = shown;
        Authorization = authorization;
    }

    /// <summary>The URL without credentials (null for a local file).</summary>
    public Uri? Uri { get; }

    /// <summary>The local file (null for a URL).</summary>
    public string? LocalPath { get; }

    /// <summary>What to show and log: the URL without user-info, or the path.</summary>
    public string Shown { get; }

    /// <summary>The file name the address ends with (<c>blacklists.tar.gz</c>).</summary>
    public string FileName => LocalPath is not null ? Path.GetFileName(LocalPath) : Uri!.Segments.Length > 0 ? Uri.UnescapeDataString(Uri.Segments[^1]).Trim('/') : "";

    internal AuthenticationHeaderValue? Authorization { get; }

    /// <summary>Parses <paramref name="text"/>; false with the reason (credentials removed) when it is neither http(s) nor an absolute path.</summary>
    public static bool TryParse(string? text, out ListAddress? address, out string? problem)
    {
        address = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "no address is configured";
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('/'))
        {
            address = new ListAddress(null, Path.GetFullPath(text), Path.GetFullPath(text), null);
            return true;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            problem = $"'{Redact(text)}' is neither an http(s) address nor an absolute path";
            return false;
        }

        if (uri.IsFile)
        {
            address = new ListAddress(null, uri.LocalPath, uri.LocalPath, null);
            return true;
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            problem = $"'{Redact(text)}' is not an http(s) address nor an absolute path";
            return false;
        }

        AuthenticationHeaderValue? authorization = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            var credentials = Uri.UnescapeDataString(parts[0]) + ":" + (parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            uri = new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
        }

        address = new ListAddress(uri, null, HideQueryValues(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)), authorization);
        return true;
    }

    /// <summary>True for an http (not https) address that sends credentials: they cross the network readable.</summary>
    public bool SendsCredentialsInClear => Authorization is not null && Uri?.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// <paramref name="url"/> without its user-info (what a feed's file key is computed from, so the key, its files and
    /// its remembered state never depend on the credentials); anything else unchanged.
    /// </summary>
    public static string WithoutUserInfo(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && !uri.IsFile && uri.UserInfo.Length > 0
            ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)
            : url;
    }

    /// <summary>Every query-string value replaced by <c>***</c> (a feed's token is often one): <c>?token=***&amp;list=***</c>.</summary>
    private static string HideQueryValues(string text)
    {
        var query = text.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return text;
        }

        var fragment = text.IndexOf('#', query);
        var end = fragment < 0 ? text.Length : fragment;
        var pairs = text[(query + 1)..end].Split('&').Select(p => p.Length == 0 ? p : (p.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? p[..eq] : p) + "=***");
        return string.Concat(text.AsSpan(0, query + 1), string.Join('&', pairs), fragment < 0 ? "" : "#***");
    }

    /// <summary><paramref name="text"/> without the user-info of a URL (for logs, alerts and the console).</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && !uri.IsFile)
        {
            return HideQueryValues(uri.UserInfo.Length > 0 ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped) : text);
        }

        // Not a parsable URL: still never show anything between "://" and the authority's LAST '@' (a password may
        // hold an '@'), nor a query-string value.
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return text.StartsWith('/') ? text : HideQueryValues(text);
        }

        var authorityEnd = text.IndexOfAny(['/', '?', '#'], scheme + 3);
        var authority = authorityEnd < 0 ? text.Length : authorityEnd;
        var at = text.LastIndexOf('@', authority - 1, authority - scheme - 3);
        return HideQueryValues(at > scheme ? string.Concat(text.AsSpan(0, scheme + 3), text.AsSpan(at + 1)) : text);
    }
}

/// <summary>A downloaded file's facts.</summary>
/// <param name="Bytes">Its length.</param>
/// <param name="Sha256">SHA-256, hex.</param>
/// <param name="Md5">MD5, hex (UT1 publishes MD5).</param>
/// <param name="LastModified">The server's Last-Modified, or the file's time.</param>
/// <param name="FileName">The name it was served under (after redirects): what a checksum list names.</param>
internal sealed record Downloaded(long Bytes, string Sha256, string Md5, DateTimeOffset? LastModified, string FileName);

/// <summary>
/// Streams a list to a file (never the whole of it in memory) with its size bounded and its hashes taken on the way;
/// a download that stalls or takes too long is stopped. Redirects are followed only to http(s) (at most 5).
/// </summary>
public sealed class ListDownloader
{
    /// <summary>Connecting must succeed within this. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A download that receives nothing for this long is stopped. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A whole download must finish within this. Default 30 min.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Downloads <paramref name="address"/> into <paramref name="file"/>; throws <see cref="FetchRefusedException"/> with the reason.</summary>
    internal async Task<Downloaded> DownloadAsync(ListAddress address, string file, long minBytes, long maxBytes, string what, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(TotalTimeout);
        long written = 0;
        long? expected = null;
        DateTimeOffset? modified = null;
        var fileName = address.FileName;
        await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            if (address.LocalPath is { } path)
            {
                if (!File.Exists(path))
                {
                    throw new FetchRefusedException(FetchProblem.Unreachable, $"there is no file {path}");
                }

                expected = new FileInfo(path).Length;
                modified = File.GetLastWriteTimeUtc(path);
                CheckBounds(expected.Value, minBytes, maxBytes, what);
                try
                {
                    await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    written = await CopyAsync(input, output, sha, md5, maxBytes, what, null, total.Token);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new FetchRefusedException(FetchProblem.Unreachable, $"{path} cannot be read: {e.Message}", e);
                }
            }
            else
            {
                using var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false, // followed below: http(s) only, never from https to http, credentials only to the same origin
                    ConnectTimeout = ConnectTimeout,
                    AutomaticDecompression = DecompressionMethods.None,
                    UseCookies = false,
                };
                using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
                stall.CancelAfter(StallTimeout);
                try
                {
                    using var response = await SendFollowingRedirectsAsync(client, address, stall.Token);
                    if (response.RequestMessage?.RequestUri is { } final && final.Segments.Length > 0)
                    {
                        fileName = Uri.UnescapeDataString(final.Segments[^1]).Trim('/');
                    }
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new FetchRefusedException(FetchProblem.Unreachable, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                    }

                    expected = response.Content.Headers.ContentLength;
                    modified = response.Content.Headers.LastModified;
                    if (expected is { } length)
                    {
                        CheckBounds(length, minBytes, maxBytes, what);
                    }

                    await using var input = await response.Content.ReadAsStreamAsync(stall.Token);
                    written = await CopyAsync(input, output, sha, md5, maxBytes, what, stall, total.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    var after = written > 0 || output.Length > 0 ? $" after {FetchText.Size(output.Length)}" : "";
                    throw total.IsCancellationRequested
                        ? new FetchRefusedException(FetchProblem.Timeout, $"the download took longer than {TotalTimeout.TotalMinutes:0} minutes{after}")
                        : new FetchRefusedException(FetchProblem.Timeout, $"the server {address.Uri!.Host} sent nothing for {StallTimeout.TotalSeconds:0} seconds{after}");
                }
                catch (HttpRequestException e)
                {
                    throw new FetchRefusedException(FetchProblem.Unreachable, $"the server cannot be reached: {e.Message}", e);
                }
                catch (IOException e)
                {
                    throw new FetchRefusedException(
                        expected is { } length && output.Length < length ? FetchProblem.Truncated : FetchProblem.Unreachable,
                        expected is { } l && output.Length < l ? $"the download stopped after {FetchText.Size(output.Length)} of an expected {FetchText.Size(l)}" : $"the download failed: {e.Message}",
                        e);
                }
            }

            try
            {
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true); // on disk before it is published (renamed or unpacked)
            }
            catch (IOException e)
            {
                throw FetchText.StorageProblem(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", e);
            }
        }

        if (expected is { } size && written < size)
        {
            throw new FetchRefusedException(FetchProblem.Truncated, $"the download stopped after {FetchText.Size(written)} of an expected {FetchText.Size(size)}");
        }

        CheckBounds(written, minBytes, maxBytes, what);
        return new Downloaded(written, Convert.ToHexStringLower(sha.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()), modified, fileName);
    }

    /// <summary>GET with redirects followed by hand: at most 5, to http(s) only, never from https to http; credentials go only to the address's own origin.</summary>
    private static async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpClient client, ListAddress address, CancellationToken cancellationToken)
    {
        var uri = address.Uri!;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (Uri.Compare(uri, address.Uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                request.Headers.Authorization = address.Authorization;
            }

            request.Headers.UserAgent.ParseAdd("ClassroomGuard-DnsFilter/1.0");
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            var shown = ListAddress.Redact(next.ToString());
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new FetchRefusedException(FetchProblem.Unreachable, $"the server redirects to {shown}, which is not followed (not an http(s) address)");
            }

            if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
            {
                throw new FetchRefusedException(FetchProblem.Unreachable, $"the server redirects to {shown}, which is not followed (from https to plain http)");
            }

            if (hop >= 5)
            {
                throw new FetchRefusedException(FetchProblem.Unreachable, $"the server redirects more than 5 times (last to {shown}): not followed");
            }

            uri = next;
        }
    }

    /// <summary>Reads a small text (a checksum list) from <paramref name="address"/>; null with the reason when it cannot.</summary>
    internal async Task<(string? Text, string? Problem)> ReadTextAsync(ListAddress address, long maxBytes, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), "cg-checksum-" + Guid.NewGuid().ToString("N"));
        try
        {
            await DownloadAsync(address, file, 1, maxBytes, "the checksum list", cancellationToken);
            return (await File.ReadAllTextAsync(file, cancellationToken), null);
        }
        catch (FetchRefusedException e)
        {
            return (null, e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void CheckBounds(long bytes, long minBytes, long maxBytes, string what)
    {
        if (bytes > maxBytes)
        {
            throw new FetchRefusedException(FetchProblem.TooLarge, $"{what} is {FetchText.Size(bytes)}, more than the {FetchText.Size(maxBytes)} allowed (Dns:Lists:MaxArchiveBytes)");
        }

        if (bytes < minBytes)
        {
            throw new FetchRefusedException(FetchProblem.TooSmall, $"{what} is only {FetchText.Size(bytes)}, less than the {FetchText.Size(minBytes)} expected at least (Dns:Lists:MinArchiveBytes): an error page or a cut-off copy");
        }
    }

    private async Task<long> CopyAsync(Stream input, Stream output, IncrementalHash sha, IncrementalHash md5, long maxBytes, string what, CancellationTokenSource? stall, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long written = 0;
        while (true)
        {
            var read = await input.ReadAsync(buffer, stall?.Token ?? cancellationToken);
            if (read == 0)
            {
                return written;
            }

            stall?.CancelAfter(StallTimeout);
            written += read;
            if (written > maxBytes)
            {
                throw new FetchRefusedException(FetchProblem.TooLarge, $"{what} is larger than the {FetchText.Size(maxBytes)} allowed (Dns:Lists:MaxArchiveBytes): stopped after {FetchText.Size(written)}");
            }

            sha.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            try
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            catch (IOException e)
            {
                throw FetchText.StorageProblem(output is FileStream file ? Path.GetDirectoryName(file.Name) ?? "." : ".", e); // the disk, not the publisher
            }
        }
    }
}
