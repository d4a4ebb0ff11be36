using System.Text.Json.Nodes;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// qemu's machine protocol (QMP) on the unix socket of <c>-qmp unix:PATH,server=on,wait=off</c>: what the power button,
/// the reset button and the monitor's screen grab are for a test.
/// </summary>
internal sealed class QmpClient : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly JsonLineSocket socket;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    private QmpClient(JsonLineSocket socket) => this.socket = socket;

    /// <summary>Connects, reads qemu's greeting and leaves capability negotiation, so commands are accepted.</summary>
    public static async Task<QmpClient> ConnectAsync(string path, TimeSpan timeout)
    {
        var socket = await JsonLineSocket.ConnectAsync(path, timeout);
        try
        {
            var greeting = await socket.ReceiveAsync(AnswerTimeout);
            if (!greeting.ContainsKey("QMP"))
            {
                throw new InvalidOperationException("not a QMP greeting: " + greeting.ToJsonString());
            }

            var client = new QmpClient(socket);
            await client.ExecuteAsync("qmp_capabilities");
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Runs one command and returns its <c>return</c> value; qemu's <c>error</c> becomes an exception naming it.</summary>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null)
    {
        await oneAtATime.WaitAsync();
        try
        {
            var message = new JsonObject { ["execute"] = command };
            if (arguments is not null)
            {
                message["arguments"] = arguments;
            }

            await socket.SendAsync(message);
            while (true)
            {
                var answer = await socket.ReceiveAsync(AnswerTimeout);
                if (answer.ContainsKey("event"))
                {
                    continue; // asynchronous events (RESET, POWERDOWN, …) interleave with answers
                }

                if (answer["error"] is JsonObject error)
                {
                    throw new InvalidOperationException($"QMP {command}: {error["class"]}: {error["desc"]}");
                }

                return answer["return"];
            }
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>The press of the reset button: no shutdown, the guest starts again at once.</summary>
    public Task ResetAsync() => ExecuteAsync("system_reset");

    /// <summary>The press of the power button: an ACPI request the guest's systemd acts on.</summary>
    public Task PowerDownAsync() => ExecuteAsync("system_powerdown");

    /// <summary>What the machine's display shows, as a PNG file at <paramref name="path"/> (qemu 7.1 and later).</summary>
    public Task ScreenDumpAsync(string path) =>
        ExecuteAsync("screendump", new JsonObject { ["filename"] = path, ["format"] = "png" });

    public void Dispose()
    {
        socket.Dispose();
        oneAtATime.Dispose();
    }
}
