using System.Diagnostics;
using System.Text;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>Runs the real tools the tests drive (ip, tcpdump, tshark, openssl, dig, dnsmasq, dhclient).</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? input = null, TimeSpan? timeout = null)
    {
        using var process = Start(file, arguments, redirectInput: input is not null);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish: {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs a tool and fails the test, quoting its error output, unless it exits 0.</summary>
    public static async Task<string> CheckAsync(string file, params string[] arguments)
    {
        var result = await RunAsync(file, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited {result.ExitCode}: {result.Error}{result.Output}");
        }

        return result.Output;
    }

    public static Process Start(string file, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }
}

/// <summary>A long-running tool (server, capture) started by a test and stopped by it, by its own process id.</summary>
internal sealed class BackgroundTool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    public BackgroundTool(string file, params string[] arguments)
    {
        _process = Tool.Start(file, arguments);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>The process id (the program itself when started through exec-ing wrappers such as ip netns exec and setpriv).</summary>
    public int Id => _process.Id;

    /// <summary>The exit code, once the tool has exited.</summary>
    public int ExitCode => _process.ExitCode;

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _error.ToString();
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the tool's output or error contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Error.Contains(text, StringComparison.Ordinal) && !Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"'{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}' never said '{text}': {Error}{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGINT (tcpdump then writes out what it holds) and waits for the exit.</summary>
    public async Task InterruptAsync()
    {
        if (!_process.HasExited)
        {
            await Tool.RunAsync("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cancellation.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            builder.AppendLine(line);
        }
    }
}
