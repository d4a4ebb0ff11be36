using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>The live view's server-sent-event stream as a browser's EventSource reads it: one JSON snapshot per <c>data:</c> message.</summary>
internal sealed class LiveStream : IDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private LiveStream(HttpResponseMessage response, Stream body)
    {
        this.response = response;
        reader = new StreamReader(body);
    }

    public HttpResponseMessage Response => response;

    /// <summary>Opens the stream; the caller checks <see cref="Response"/>'s status (anything but 200 has no events).</summary>
    public static async Task<LiveStream> OpenAsync(ConsoleSession session, long roomId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/rooms/{roomId}/live", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await session.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new LiveStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads snapshots until one satisfies <paramref name="condition"/>; fails after <paramref name="seconds"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, string what, int seconds = 15)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        JsonElement? last = null;
        try
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException("the stream ended before " + what);
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                using var json = JsonDocument.Parse(line["data: ".Length..]);
                last = json.RootElement.Clone();
                if (condition(last.Value))
                {
                    return last.Value;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no snapshot with {what} within {seconds} s; the last was {last}");
        }
    }

    /// <summary>The tile of a device in a snapshot.</summary>
    public static JsonElement Tile(JsonElement snapshot, long deviceId)
        => snapshot.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("id").GetInt64() == deviceId);

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
