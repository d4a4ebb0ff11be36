using System.Net;
using System.Net.Http.Headers;

namespace ClassroomGuard.Storage.TimeSeries.Internal;

internal enum WriteStatus
{
    /// <summary>InfluxDB stored the batch.</summary>
    Success,

    /// <summary>Try again later: unreachable, timeout, 5xx, 429, 401/403 (credentials may be fixed), 404 (database may be created).</summary>
    Transient,

    /// <summary>InfluxDB refused the data itself (400 field type conflict, unparsable line, 413): retrying cannot help.</summary>
    Rejected,
}

/// <param name="Status">What to do with the batch.</param>
/// <param name="StatusCode">The HTTP status, if the server answered.</param>
/// <param name="RetryAfter">The server's Retry-After, if it sent one.</param>
/// <param name="Error">A message naming the server and cause.</param>
/// <param name="DroppedPoints">For a rejected partial write, how many points InfluxDB dropped (-1: unknown).</param>
internal readonly record struct WriteResult(
    WriteStatus Status, HttpStatusCode? StatusCode, RetryConditionHeaderValue? RetryAfter, string? Error, int DroppedPoints)
{
    public static WriteResult Success => new(WriteStatus.Success, HttpStatusCode.NoContent, null, null, 0);
}
