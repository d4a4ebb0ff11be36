using System.Text;
using System.Text.Json.Nodes;

namespace ClassroomGuard.Image.Tests.Qemu;

/// <summary>
/// A client of the QEMU guest agent (qemu-ga, Debian's <c>qemu-guest-agent</c>, which both images carry): runs commands
/// inside the guest and collects what they print, as a VM host's tooling does. One request at a time: the agent answers
/// in order on one channel.
/// </summary>
internal sealed class GuestAgent : IDisposable
{
    // A guest under software emulation on a busy host answers slowly, but it answers.
    private static readonly TimeSpan AnswerTimeout = Acceleration.Scaled(TimeSpan.FromSeconds(10));
    private readonly string path;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private JsonLineSocket? socket;

    /// <param name="path">The host end of the agent's virtio-serial port (<c>-chardev socket,path=PATH,server=on</c>).</param>
    public GuestAgent(string path) => this.path = path;

    /// <summary>What a command in the guest did.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
    }

    /// <summary>
    /// Waits until the agent in the guest answers a <c>guest-sync</c> (it starts late in boot, and again after every
    /// reboot); answers left over from before are read past, matched by the sync's random id.
    /// </summary>
    public async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            await oneAtATime.WaitAsync();
            try
            {
                await SyncAsync();
                return;
            }
            catch (Exception e) when (e is TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                last = e;
                Reconnect(); // a half-read answer must not confuse the next try
            }
            finally
            {
                oneAtATime.Release();
            }
        }

        throw new TimeoutException($"the guest agent did not answer within {timeout.TotalSeconds:0} s (last: {last?.Message})");
    }

    /// <summary>
    /// Runs <c>/bin/sh -c SCRIPT</c> in the guest, as root, to its end; <paramref name="input"/> goes to its standard
    /// input, so a secret never appears in a command line.
    /// </summary>
    public Task<Result> ShellAsync(string script, string? input = null, TimeSpan? timeout = null) =>
        ExecAsync("/bin/sh", ["-c", script], input, timeout);

    /// <summary>Runs a program in the guest (<c>guest-exec</c>) and polls <c>guest-exec-status</c> until it ends.</summary>
    public async Task<Result> ExecAsync(string program, IReadOnlyList<string> arguments, string? input = null, TimeSpan? timeout = null)
    {
        var arg = new JsonArray();
        foreach (var argument in arguments)
        {
            arg.Add(argument);
        }

        var request = new JsonObject { ["path"] = program, ["arg"] = arg, ["capture-output"] = true };
        if (input is not null)
        {
            request["input-data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(input));
        }

        var pid = (await CommandAsync("guest-exec", request))!["pid"]!.GetValue<long>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var status = (await CommandAsync("guest-exec-status", new JsonObject { ["pid"] = pid }))!.AsObject();
            if (status["exited"]!.GetValue<bool>())
            {
                // A command killed by a signal has "signal" and no "exitcode"; report it as the shell would (128 + n).
                var code = status["exitcode"]?.GetValue<int>() ?? 128 + (status["signal"]?.GetValue<int>() ?? 0);
                return new Result(code, Decode(status["out-data"]), Decode(status["err-data"]));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' still runs in the guest after {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs a shell command in the guest and returns its output; throws with everything it said unless it exits 0.</summary>
    public async Task<string> CheckAsync(string script, string? input = null, TimeSpan? timeout = null)
    {
        var result = await ShellAsync(script, input, timeout);
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"in the guest, '{script}' failed: {result}");
    }

    /// <summary>Asks the guest to reboot cleanly (<c>guest-shutdown</c> mode reboot; the agent sends no answer).</summary>
    public async Task RebootAsync()
    {
        await oneAtATime.WaitAsync();
        try
        {
            await (await ConnectedAsync()).SendAsync(new JsonObject
            {
                ["execute"] = "guest-shutdown",
                ["arguments"] = new JsonObject { ["mode"] = "reboot" },
            });
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose()
    {
        socket?.Dispose();
        oneAtATime.Dispose();
    }

    private static string Decode(JsonNode? base64) =>
        base64 is null ? string.Empty : Encoding.UTF8.GetString(Convert.FromBase64String(base64.GetValue<string>()));

    private async Task<JsonNode?> CommandAsync(string command, JsonObject arguments)
    {
        await oneAtATime.WaitAsync();
        try
        {
            var connection = await ConnectedAsync();
            await connection.SendAsync(new JsonObject { ["execute"] = command, ["arguments"] = arguments });
            var answer = await connection.ReceiveAsync(AnswerTimeout);
            if (answer["error"] is JsonObject error)
            {
                throw new InvalidOperationException($"guest agent {command}: {error["class"]}: {error["desc"]}");
            }

            return answer["return"];
        }
        catch (TimeoutException)
        {
            Reconnect();
            throw;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>0xFF resets the agent's parser (a half-sent request from before); then only our sync's answer counts.</summary>
    private async Task SyncAsync()
    {
        var connection = await ConnectedAsync();
        var id = Random.Shared.NextInt64(1, long.MaxValue / 2);
        await connection.WriteRawAsync([0xFF]);
        await connection.SendAsync(new JsonObject { ["execute"] = "guest-sync", ["arguments"] = new JsonObject { ["id"] = id } });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var answer = await connection.ReceiveAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (answer["return"] is JsonValue value && value.TryGetValue(out long echoed) && echoed == id)
            {
                return;
            }
        }
    }

    // qemu makes the socket when it starts: a few seconds cover a machine still starting.
    private async Task<JsonLineSocket> ConnectedAsync() => socket ??= await JsonLineSocket.ConnectAsync(path, TimeSpan.FromSeconds(3));

    private void Reconnect()
    {
        socket?.Dispose();
        socket = null;
    }
}
