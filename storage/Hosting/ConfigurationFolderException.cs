namespace ClassroomGuard.Storage.Hosting;

/// <summary>
/// The appliance's configuration folder (<c>/etc/classroomguard</c> or <c>CLASSROOMGUARD_CONFIG_DIR</c>) or one of its
/// files cannot be read or parsed. The message names the folder or file and what to do; the services stop with exit
/// code 78 (EX_CONFIG), since restarting will not help until a person fixes the permissions or the file.
/// </summary>
public sealed class ConfigurationFolderException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ConfigurationFolderException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public ConfigurationFolderException()
        : this(string.Empty, "The configuration folder cannot be read.")
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public ConfigurationFolderException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public ConfigurationFolderException(string message, Exception innerException)
        : this(string.Empty, message, innerException)
    {
    }

    /// <summary>The folder or file concerned.</summary>
    public string Path { get; }
}
