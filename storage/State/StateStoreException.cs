namespace ClassroomGuard.Storage.State;

/// <summary>Why the state database could not be opened.</summary>
public enum StateOpenFailure
{
    /// <summary>The directory that should hold the database does not exist.</summary>
    DirectoryMissing,

    /// <summary>The file or directory cannot be opened or written (permissions, read-only file system).</summary>
    NotWritable,

    /// <summary>The file is not a SQLite database, or it fails the integrity check.</summary>
    Corrupt,

    /// <summary>The database was written by a newer ClassroomGuard than this one.</summary>
    TooNew,

    /// <summary>A migration failed; the database was left at its previous version.</summary>
    MigrationFailed,
}

/// <summary>
/// The state database cannot be used. The message names the file and what an operator should do. The
/// store never deletes, moves or overwrites a file it cannot open, so restarting loses nothing.
/// </summary>
public sealed class StateStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateStoreException(string path, StateOpenFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Failure = failure;
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public StateStoreException()
        : this(string.Empty, StateOpenFailure.Corrupt, "The state database cannot be opened.")
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public StateStoreException(string message)
        : this(string.Empty, StateOpenFailure.Corrupt, message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public StateStoreException(string message, Exception innerException)
        : this(string.Empty, StateOpenFailure.Corrupt, message, innerException)
    {
    }

    /// <summary>The database file concerned.</summary>
    public string Path { get; }

    /// <summary>What went wrong.</summary>
    public StateOpenFailure Failure { get; }
}
