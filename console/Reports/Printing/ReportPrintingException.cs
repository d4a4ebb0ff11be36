namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>A report could not be printed; the message says why and what to do, naming the setting when one is at fault.</summary>
public class ReportPrintingException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// The Chromium at <c>Reports:ChromiumPath</c> is missing, would not start, crashed or did not finish in
/// <c>Reports:Timeout</c>: the report command exits 69 (EX_UNAVAILABLE).
/// </summary>
public sealed class ChromiumUnavailableException(string message, Exception? innerException = null) : ReportPrintingException(message, innerException);

/// <summary>The PDF cannot be written where it was asked for (its folder is missing or not writable): exit 73 (EX_CANTCREAT).</summary>
public sealed class ReportOutputException(string message, Exception? innerException = null) : ReportPrintingException(message, innerException);
