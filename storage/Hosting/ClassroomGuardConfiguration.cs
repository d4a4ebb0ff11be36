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
    public static IConfigurationBuilder AddClassroomGuardSources(this IConfigurationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = Environment.GetEnvironmentVariable(ConfigDirectoryVariable) ?? DefaultConfigDirectory;
        if (Directory.Exists(directory))
        {
            var files = Directory.GetFiles(directory, "*.json");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                builder.AddJsonFile(file, optional: true, reloadOnChange: false);
            }
        }

        builder.AddEnvironmentVariables("ClassroomGuard__");
        builder.AddCommandLine(args);
        return builder;
    }
}
