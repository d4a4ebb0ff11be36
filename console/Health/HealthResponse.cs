using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassroomGuard.Console.Health;

/// <summary>
/// Writes <c>/healthz</c> as <c>{"status":"Healthy","checks":{"state":"Healthy","timeseries":"Degraded"}}</c>.
/// Anyone on the LAN may ask, so it says only statuses; the causes go to the service log.
/// </summary>
internal static class HealthResponse
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteString(name, entry.Status.ToString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
