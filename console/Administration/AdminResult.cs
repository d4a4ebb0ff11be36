namespace ClassroomGuard.Console.Administration;

/// <summary>What an administrative action did, in words for the person who asked.</summary>
/// <param name="Succeeded">Whether it was done.</param>
/// <param name="Message">What happened, or why it was refused.</param>
public sealed record AdminResult(bool Succeeded, string Message)
{
    /// <summary>Done.</summary>
    public static AdminResult Done(string message) => new(true, message);

    /// <summary>Refused, with the reason.</summary>
    public static AdminResult Refused(string reason) => new(false, reason);
}
