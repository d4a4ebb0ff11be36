using System.Collections;
using System.Runtime.CompilerServices;

namespace ClassroomGuard.Tests;

/// <summary>
/// Keeps a test assembly, and every service process its tests start, away from an appliance installed on the same
/// machine. Compiled into every test project (Directory.Build.props), so <c>dotnet test tests/X</c> alone is as
/// hermetic as <c>tests/run.sh</c>: before any test or fixture runs, <c>CLASSROOMGUARD_CONFIG_DIR</c> points at an
/// empty folder of this run (inherited by the programs the tests start), and <c>ClassroomGuard__*</c> variables of
/// the caller's shell are dropped. Without this, a service started by a test read the appliance's
/// <c>/etc/classroomguard/*.json</c> — its mirror port, its Influx section, whose default spool folder is the
/// appliance's own <c>/var/lib/classroomguard/spool</c>. Tests that need settings write them into a folder of their
/// own and point the variable there for their process; data paths (State:Path, Influx:SpoolDirectory,
/// Console:DataProtectionKeysPath, Agent:StatePath) are always set by the test to its temporary folder.
/// </summary>
internal static class HermeticTestEnvironment
{
    /// <summary>The variable the services read (<c>ClassroomGuardConfiguration.ConfigDirectoryVariable</c>).</summary>
    public const string ConfigDirectoryVariable = "CLASSROOMGUARD_CONFIG_DIR";

    /// <summary>This run's empty configuration folder: readable by everyone (some tests run services as <c>nobody</c>), never written.</summary>
    public static string ConfigDirectory { get; private set; } = string.Empty;

    // A module initializer, not a fixture: xunit has no assembly-wide fixture, and this must hold before the first
    // test class (or its static fields) builds a host or starts a process.
#pragma warning disable CA2255 // ModuleInitializer in a library: a test assembly is the program here.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        var directory = Directory.CreateTempSubdirectory("cg-test-config-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        ConfigDirectory = directory.FullName;
        Environment.SetEnvironmentVariable(ConfigDirectoryVariable, ConfigDirectory);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("ClassroomGuard__", StringComparison.OrdinalIgnoreCase))
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(ConfigDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover empty folder in /tmp harms nothing.
            }
        };
    }
}
