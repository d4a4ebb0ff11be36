using System.Diagnostics;
using System.Text;

namespace ClassroomGuard.TestSupport;

/// <summary>
/// Runs the real tools the tests drive (ip, tcpdump, tshark, openssl, dig, kdig, unbound …) to their end. Static
/// members only; not sealed so that a test project may keep a shorter name for it (the sniffer tests' <c>Tool</c>).
/// </summary>
public class ProcessRunner
{
    /// <summary>Only for a project's own name for the runner.</summary>
    protected ProcessRunner()
    {
    }

    /// <summary>How a tool ended.</summary>
    /// <param name="ExitCode">Its exit code.</param>
    /// <param name="Output">All it wrote to standard output.</param>
    /// <param name="Error">All it wrote to standard error.</param>
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> (each passed as is, no shell), feeding it
    /// <paramref name="input"/> if given; kills it (and what it started) and throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/> (30 s by default). <paramref name="environment"/> sets variables (null removes one).
    /// </summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? input = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Start(file, arguments, redirectInput: input is not null, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish: {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }

        return new Result(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Runs a tool and returns its standard output; throws, quoting its error output, unless it exits 0.</summary>
    public static Task<string> CheckAsync(string file, params string[] arguments) => CheckAsync(TimeSpan.FromSeconds(30), file, arguments);

    /// <summary>As <see cref="CheckAsync(string, string[])"/>, for a tool that may take up to <paramref name="timeout"/> (a build).</summary>
    public static async Task<string> CheckAsync(TimeSpan timeout, string file, params string[] arguments)
    {
        var result = await RunAsync(file, arguments, timeout: timeout).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited {result.ExitCode}: {result.Error}{result.Output}");
        }

        return result.Output;
    }

    /// <summary>Starts a tool with its standard output and error (and input, if asked) redirected, UTF-8.</summary>
    public static Process Start(string file, IEnumerable<string> arguments, bool redirectInput = false, IReadOnlyDictionary<string, string?>? environment = null)
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

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }
}
