using ClassroomGuard.Console.Commands;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

// Two ways in: an administrative command that set-up runs (migrate, create-first-admin), or the
// console service itself. A bad setting ends either with a message naming it and exit code 78
// (EX_CONFIG); an unusable state database with 65 (EX_DATAERR). The systemd unit does not
// restart on either: only a person can fix them, and the log says how.
try
{
    if (args.Length > 0 && AdminCommands.Names.Contains(args[0]))
    {
        return await AdminCommands.RunAsync(args, CancellationToken.None);
    }

    var app = ConsoleApplication.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await System.Console.Error.WriteLineAsync("ClassroomGuard.Console: invalid setting: " + string.Join(" ", ex.Failures));
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
