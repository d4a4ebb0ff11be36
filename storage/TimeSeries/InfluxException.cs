using System.Net;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// InfluxDB could not be reached, refused the request, or answered something this client cannot read.
/// The message names the server address and the cause; it never contains credentials.
/// </summary>
public class InfluxException : Exception
{
    /// <summary>Creates an exception with no message (for serializers and tests).</summary>
    public InfluxException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public InfluxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public InfluxException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an HTTP answer with <paramref name="statusCode"/>.</summary>
    public InfluxException(string message, HttpStatusCode? statusCode, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    /// <summary>The HTTP status InfluxDB answered with, if it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>InfluxDB reported an error for a query (the <c>"error"</c> member of its JSON answer).</summary>
public sealed class InfluxQueryException : InfluxException
{
    /// <summary>Creates an exception with no message.</summary>
    public InfluxQueryException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public InfluxQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public InfluxQueryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for the error <paramref name="serverError"/> of statement <paramref name="statementId"/>.</summary>
    public InfluxQueryException(string message, string serverError, int statementId, HttpStatusCode? statusCode)
        : base(message, statusCode)
    {
        ServerError = serverError;
        StatementId = statementId;
    }

    /// <summary>The error text InfluxDB sent, unchanged.</summary>
    public string? ServerError { get; }

    /// <summary>Index of the failed statement, or -1 when the whole request failed.</summary>
    public int StatementId { get; } = -1;
}
