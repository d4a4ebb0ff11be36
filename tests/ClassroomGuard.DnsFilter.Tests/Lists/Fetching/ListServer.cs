using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Tests.Lists.Fetching;

/// <summary>An HTTP server on 127.0.0.1 (a free port) serving what the test puts at each path.</summary>
public sealed class ListServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private ListServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    public string Url(string path) => BaseUrl + path;

    public static async Task<ListServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ListServer(app);
        app.Run(async context =>
        {
            server.Requests.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers.Authorization.ToString()));
            if (server._routes.TryGetValue(context.Request.Path.Value ?? "", out var route))
            {
                await route(context);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    public void Serve(string path, byte[] content, string type = "application/octet-stream")
        => _routes[path] = async context =>
        {
            context.Response.ContentType = type;
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content);
        };

    public void Status(string path, int status) => _routes[path] = context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>Announces <paramref name="announced"/> bytes, sends <paramref name="content"/> and closes the connection early.</summary>
    public void ServeCut(string path, byte[] content, long announced)
        => _routes[path] = async context =>
        {
            context.Response.ContentLength = announced;
            await context.Response.Body.WriteAsync(content);
            await context.Response.Body.FlushAsync();
            await Task.Delay(200);
            context.Abort();
        };

    /// <summary>Sends the first bytes, then nothing until the client gives up.</summary>
    public void ServeStalled(string path, byte[] content)
        => _routes[path] = async context =>
        {
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content.AsMemory(0, Math.Min(1000, content.Length)));
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        };

    public void Route(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Builds tar.gz archives in UT1's layout (generated names) and their MD5SUM.LST.</summary>
public static class Ut1Archives
{
    public static readonly string[] AdultNames = [.. Enumerable.Range(0, 400).Select(i => $"adult{i}.example")];

    /// <summary>The folders and their names: adult (400), malware (150), phishing (150), games (120), redirector (3).</summary>
    public static Dictionary<string, string[]> Folders(int adult = 400, int malware = 150)
        => new(StringComparer.Ordinal)
        {
            ["adult"] = [.. AdultNames.Take(adult)],
            ["malware"] = [.. Enumerable.Range(0, malware).Select(i => $"malware{i}.example")],
            ["phishing"] = [.. Enumerable.Range(0, 150).Select(i => $"phish{i}.example")],
            ["games"] = [.. Enumerable.Range(0, 120).Select(i => $"game{i}.example")],
            ["redirector"] = ["redirect1.example", "redirect2.example", "redirect3.example"],
        };

    /// <summary>A tar.gz: <c>blacklists/&lt;folder&gt;/{domains,urls,usage}</c>, the link <c>proxy → redirector</c>, and any extra entries.</summary>
    public static byte[] Build(IReadOnlyDictionary<string, string[]>? folders = null, string top = "blacklists", Action<TarWriter>? extra = null, bool links = true)
    {
        folders ??= Folders();
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, top + "/"));
            foreach (var (folder, names) in folders)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, $"{top}/{folder}/"));
                File(writer, $"{top}/{folder}/domains", "# generated\n" + string.Join('\n', names) + "\n");
                File(writer, $"{top}/{folder}/urls", string.Join('\n', names.Select(n => n + "/page")) + "\n");
                File(writer, $"{top}/{folder}/usage", "black\n");
            }

            if (links)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, $"{top}/proxy") { LinkName = "redirector" });
            }

            extra?.Invoke(writer);
        }

        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return gz.ToArray();
    }

    public static void File(TarWriter writer, string name, string content)
        => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.ASCII.GetBytes(content)) });

    public static string Md5Sum(byte[] archive, string name = "blacklists.tar.gz")
        => Convert.ToHexStringLower(MD5.HashData(archive)) + "  " + name + "\n";
}
