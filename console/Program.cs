using ClassroomGuard.Console.Commands;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

// Two ways in (ConsoleCommandLine): an administrative command (migrate, create-first-admin, verify-log), or the console
// service itself. A bad command line ends with exit 64 (EX_USAGE); a bad setting with a message naming it and 78
// (EX_CONFIG); an unusable state database with 65 (EX_DATAERR). The systemd unit does not restart on these: only a
// person can fix them, and the log says how.
try
{
    return await ConsoleCommandLine.RunAsync(args, RunServiceAsync, System.Console.Out, System.Console.Error);
}
catch (OptionsValidationException ex)
{
    await System.Console.Error.WriteLineAsync("ClassroomGuard.Console: invalid setting: " + string.Join(" ", ex.Failures));
    return ExitCodes.BadConfiguration;
}
catch (InvalidOperationException ex) when (ex.InnerException is FormatException or ArgumentException or OverflowException)
{
    // The configuration binder's "Failed to convert configuration value 'x' at 'Section:Key' to type …": it names the
    // setting; a value of the wrong type is a bad setting like any other, not a crash.
    await System.Console.Error.WriteLineAsync($"ClassroomGuard.Console: invalid setting: {ex.Message} {ex.InnerException.Message}");
    return ExitCodes.BadConfiguration;
}
catch (ConfigurationFolderException ex)
{
    await System.Console.Error.WriteLineAsync("ClassroomGuard.Console: " + ex.Message);
    return ExitCodes.BadConfiguration;
}
catch (StateStoreException ex)
{
    // The file is left exactly as it is: the message says what is wrong and what to do.
    await System.Console.Error.WriteLineAsync("ClassroomGuard.Console: " + ex.Message);
    return ExitCodes.DataError;
}

static async Task<int> RunServiceAsync(string[] settings)
{
    var app = ConsoleApplication.Build(settings);
    await app.RunAsync();
    return 0;
}
