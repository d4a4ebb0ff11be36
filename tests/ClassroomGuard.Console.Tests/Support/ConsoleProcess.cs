using System.Diagnostics;

namespace ClassroomGuard.Console.Tests.Support;

/// <summary>Runs the real console program (the built ClassroomGuard.Console.dll) as its own process.</summary>
internal static class ConsoleProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClassroomGuard.Console.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No machine configuration leaks in: only the settings each test passes; the session keys go to a
        // temporary folder, never the machine's /var/lib/classroomguard.
        info.Environment["CLASSROOMGUARD_CONFIG_DIR"] = "/nonexistent/classroomguard";
        var keys = Directory.CreateTempSubdirectory("cg-keys-");
        info.Environment["ClassroomGuard__Console__DataProtectionKeysPath"] = Path.Combine(keys.FullName, "keys");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ClassroomGuard.Console {string.Join(' ', args)} did not exit: {await stdout}{await stderr}");
        }

        keys.Delete(recursive: true);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
