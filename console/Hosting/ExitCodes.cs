namespace ClassroomGuard.Console.Hosting;

/// <summary>Process exit codes (sysexits.h), so systemd and set-up can tell failures apart.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command line was wrong (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>A data file (the state database) is unusable (EX_DATAERR).</summary>
    public const int DataError = 65;

    /// <summary>An input the command reads (the state database for verify-log) does not exist (EX_NOINPUT).</summary>
    public const int NoInput = 66;

    /// <summary>A service the command needs (InfluxDB) is unreachable (EX_UNAVAILABLE).</summary>
    public const int Unavailable = 69;

    /// <summary>An output file cannot be created (EX_CANTCREAT): its folder is missing or not writable.</summary>
    public const int CannotCreate = 73;

    /// <summary>A setting is wrong (EX_CONFIG); restarting will not help.</summary>
    public const int BadConfiguration = 78;
}
