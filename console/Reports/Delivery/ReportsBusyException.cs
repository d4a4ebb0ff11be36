namespace ClassroomGuard.Console.Reports.Delivery;

/// <summary>A report is being generated and another waits its turn: a request now is refused (try again shortly).</summary>
public sealed class ReportsBusyException : Exception
{
    /// <summary>How long to wait before asking again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);

    public ReportsBusyException()
        : base("Another report is being generated and one more waits its turn.")
    {
    }

    public ReportsBusyException(string message)
        : base(message)
    {
    }

    public ReportsBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
