using Microsoft.Extensions.Configuration;

namespace ClassroomGuard.Storage.Hosting;

/// <summary>
/// The configuration sources every ClassroomGuard service reads, in order of precedence (last wins):
/// <c>appsettings.json</c> next to the program, <c>/etc/classroomguard/*.json</c> (sorted by name),
/// environment variables prefixed <c>ClassroomGuard__</c> (e.g. <c>ClassroomGuard__Dns__Listen</c>),
/// and the command line (e.g. <c>--Dns:Listen=127.0.0.1:5353</c>).
/// </summary>
public static class ClassroomGuardConfiguration
{
    /// <summary>Default folder for the appliance's configuration files.</summary>
    public const string DefaultConfigDirectory = "/etc/classroomguard";

    /// <summary>Environment variable that overrides <see cref="DefaultConfigDirectory"/> (development, tests).</summary>
    public const string ConfigDirectoryVariable = "CLASSROOMGUARD_CONFIG_DIR";

    /// <summary>Adds the appliance's configuration files, environment and command line to <paramref name="builder"/>.</summary>
    /// <exception cref="ConfigurationFolderException">The folder or one of its files exists but cannot be read, or a file
    /// is not valid JSON; the message names it.</exception>
    public static IConfigurationBuilder AddClassroomGuardSources(this IConfigurationBuilder builder, string[] args)
    {
        var directory = Environment.GetEnvironmentVariable(ConfigDirectoryVariable) is { Length: > 0 } moved ? moved : DefaultConfigDirectory;
        return builder.AddClassroomGuardSources(args, directory);
    }

    /// <summary>As the public overload, with the configuration folder given (tests: no process-wide variable to change).</summary>
    internal static IConfigurationBuilder AddClassroomGuardSources(this IConfigurationBuilder builder, string[] args, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Directory.Exists(directory))
        {
            foreach (var file in ListFiles(directory))
            {
                AddFile(builder, file);
            }
        }

        builder.AddEnvironmentVariables("ClassroomGuard__");
        builder.AddCommandLine(args);
        return builder;
    }

    private static string[] ListFiles(string directory)
    {
        try
        {
            var files = Directory.GetFiles(directory, "*.json");
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // Silently running on defaults would serve the school unfiltered or capture nothing: stop and say why.
            throw new ConfigurationFolderException(directory,
                $"cannot read the configuration folder {directory}: {e.Message} It must be readable by the service's user " +
                $"({Environment.UserName}); set-up makes it root:classroomguard, mode 0750.", e);
        }
    }

    private static void AddFile(IConfigurationBuilder builder, string file)
    {
        try
        {
            // Opened here as well as by the JSON provider: a plain ConfigurationBuilder loads only at Build(), where a
            // permission error would surface without naming the file's role.
            using (File.OpenRead(file))
            {
            }

            builder.AddJsonFile(file, optional: true, reloadOnChange: false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ConfigurationFolderException(file,
                $"cannot read the configuration file {file}: {e.Message} It must be readable by the service's user ({Environment.UserName}).", e);
        }
        catch (InvalidDataException e)
        {
            // The JSON provider's message ("Could not parse the JSON file. Error on line number ...") names the line.
            throw new ConfigurationFolderException(file, $"the configuration file {file} is not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}
