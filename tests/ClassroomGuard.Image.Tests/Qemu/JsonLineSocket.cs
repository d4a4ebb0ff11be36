using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// One JSON object per line over a unix socket: how both QMP (qemu's own control) and the guest agent talk. Reads
/// never block past the caller's timeout, so a guest that stops answering fails the test instead of hanging it.
/// </summary>
internal sealed class JsonLineSocket : IDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly StreamReader reader;

    private JsonLineSocket(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
        reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>Connects to <paramref name="path"/>, retrying while qemu has not created it yet.</summary>
    public static async Task<JsonLineSocket> ConnectAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                return new JsonLineSocket(socket);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Writes raw bytes (the guest agent's 0xFF resynchronisation marker).</summary>
    public Task WriteRawAsync(byte[] bytes) => stream.WriteAsync(bytes).AsTask();

    /// <summary>Writes one JSON object and its line end.</summary>
    public async Task SendAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>
    /// The next line that parses as a JSON object; lines that do not (a guest agent's half-written answer from before a
    /// reboot) are skipped. Throws <see cref="TimeoutException"/> when none arrives in time.
    /// </summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no answer in {timeout.TotalSeconds:0.#} s");
            }

            if (line is null)
            {
                throw new IOException("qemu closed the socket");
            }

            // The guest agent prefixes a delimited answer with 0xFF, which UTF-8 decodes to U+FFFD.
            var text = line.Trim().TrimStart('\uFFFD', '\u00FF');
            if (text.Length == 0 || text[0] != '{')
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(text) is JsonObject message)
                {
                    return message;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A fragment: skip it.
            }
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        stream.Dispose();
        socket.Dispose();
    }
}
