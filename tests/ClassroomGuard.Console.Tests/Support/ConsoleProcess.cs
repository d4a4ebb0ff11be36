using System.Diagnostics;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>Runs the real console program (the built ClassroomGuard.Console.dll) as its own process.</summary>
internal static class ConsoleProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync("/nonexistent/classroomguard", withoutPrivileges: false, args);

    /// <summary>
    /// Runs the program with its settings folder at <paramref name="configDirectory"/>; with
    /// <paramref name="withoutPrivileges"/>, as root without any capability (so file permissions bind it as they bind
    /// the service user), or as the caller when that is not root.
    /// </summary>
    public static Task<Result> RunAsync(string configDirectory, bool withoutPrivileges, params string[] args)
        => RunAsync(configDirectory, withoutPrivileges, environment: null, whileRunning: null, args);

    /// <summary>
    /// As above, with extra <paramref name="environment"/> variables, and <paramref name="whileRunning"/> given the
    /// running process (to signal it, say) while its output is read.
    /// </summary>
    public static async Task<Result> RunAsync(
        string configDirectory, bool withoutPrivileges, IReadOnlyDictionary<string, string>? environment, Func<Process, Task>? whileRunning, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Console.dll");
        var dropCapabilities = withoutPrivileges && Environment.UserName == "root";
        var info = new ProcessStartInfo(dropCapabilities ? "setpriv" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (dropCapabilities)
        {
            foreach (var arg in (string[])["--bounding-set=-all", "--inh-caps=-all", "--", "dotnet"])
            {
                info.ArgumentList.Add(arg);
            }
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No machine configuration leaks in: only the settings each test passes. Every data path defaults to a
        // temporary folder (a test's own --State:Path=… and the like win over these), never the machine's
        // /var/lib/classroomguard, where an installed appliance keeps its database, spool and session keys.
        info.Environment["CLASSROOMGUARD_CONFIG_DIR"] = configDirectory;
        var data = Directory.CreateTempSubdirectory("cg-console-process-");
        info.Environment["ClassroomGuard__Console__DataProtectionKeysPath"] = Path.Combine(data.FullName, "keys");
        info.Environment["ClassroomGuard__Reports__Directory"] = Path.Combine(data.FullName, "reports");
        info.Environment["ClassroomGuard__State__Path"] = Path.Combine(data.FullName, "state.db");
        info.Environment["ClassroomGuard__Influx__SpoolDirectory"] = Path.Combine(data.FullName, "spool");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            if (whileRunning is not null)
            {
                await whileRunning(process).WaitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ClassroomGuard.Console {string.Join(' ', args)} did not exit: {await stdout}{await stderr}");
        }

        data.Delete(recursive: true);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
