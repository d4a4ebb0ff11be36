using System.Globalization;
using ClassroomGuard.Console.Csv;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using CsvHelper;

namespace ClassroomGuard.Console.Safeguarding.History;

/// <summary>A block as one row of the CSV export (headers in words, columns in this order).</summary>
[CsvRecord]
internal sealed partial class BlockCsvRow
{
    [CsvColumn("Date and time (school time)")] public string When { get; set; } = string.Empty;

    [CsvColumn("Device")] public string Device { get; set; } = string.Empty;

    [CsvColumn("Device ID")] public string DeviceId { get; set; } = string.Empty;

    [CsvColumn("IP address")] public string Address { get; set; } = string.Empty;

    [CsvColumn("MAC address")] public string Mac { get; set; } = string.Empty;

    [CsvColumn("Signed in now (may differ)")] public string Pupil { get; set; } = string.Empty;

    [CsvColumn("Site blocked")] public string Domain { get; set; } = string.Empty;

    [CsvColumn("Category")] public string Category { get; set; } = string.Empty;

    [CsvColumn("Rule")] public string Rule { get; set; } = string.Empty;

    [CsvColumn("Group")] public string Group { get; set; } = string.Empty;

    [CsvColumn("Room")] public string Room { get; set; } = string.Empty;

    [CsvColumn("Count")] public long Count { get; set; }
}

/// <summary>
/// The block history as CSV (CsvHelper, UTF-8 with a byte-order mark, a header row):
/// <c>GET /blocks/export.csv?device=&amp;pupil=&amp;address=&amp;domain=&amp;category=&amp;group=&amp;rule=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>,
/// the page's filters. Authorised like the page (<see cref="Policies.Safeguarding"/>) and checked again by the service.
/// Read from InfluxDB <see cref="BlockHistoryService.ExportPageSize"/> rows at a time and written as read: never all in memory.
/// </summary>
internal static class BlockHistoryCsv
{
    public const string Path = "/blocks/export.csv";

    // Domains and pupils' names come from the network and the agents: "=cmd|…" is escaped, not run as a formula.
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization(Policies.Safeguarding);
        return endpoints;
    }

    /// <summary>The export's address for the page's filters.</summary>
    public static string Link(BlockHistoryForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var query = form.ToQuery();
        return query.Length == 0 ? Path : Path + "?" + query;
    }

    /// <summary>Writes the rows as CSV to <paramref name="output"/>; returns how many rows.</summary>
    public static Task<int> WriteAsync(IAsyncEnumerable<BlockRow> rows, Stream output, CancellationToken cancellationToken)
        => CsvExport.WriteAsync(rows, ToCsv, output, cancellationToken);

    private static BlockCsvRow ToCsv(BlockRow row) => new()
    {
        When = row.When,
        Device = row.ByAddress ? row.Device + " (by its address then)" : row.Device,
        DeviceId = row.DeviceId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        Address = row.Address,
        Mac = row.Mac,
        Pupil = row.Pupil,
        Domain = row.Domain,
        Category = row.Category,
        Rule = row.Rule,
        Group = row.Group,
        Room = row.Room,
        Count = row.Count,
    };

    private static async Task<IResult> ExportAsync(HttpContext context, BlockHistoryService history, StateStore store, ILogger<BlockHistoryService> logger)
    {
        var actor = ConsoleUser.From(context.User);
        if (!BlockHistoryService.MayRead(actor))
        {
            return Results.Forbid();
        }

        var query = context.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        if (!BlockHistoryValidation.TryRead(query, out var form, out var deviceId, out var problem))
        {
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "The export's filter is not valid");
        }

        if (deviceId is { } id)
        {
            form.Device = new HistoryDevice(id, string.Empty);
        }

        var (criteria, refusal) = await history.CriteriaAsync(actor, form, context.RequestAborted);
        if (criteria is null)
        {
            return Results.Problem(refusal?.Problem, statusCode: StatusCodes.Status400BadRequest, title: "The export's filter is not valid");
        }

        var (from, to) = history.Period(form);
        var first = DateOnly.FromDateTime(form.From ?? (history.Today - history.Retention));
        var last = DateOnly.FromDateTime(form.To ?? history.Today);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"blocks-{first:yyyy-MM-dd}-to-{last:yyyy-MM-dd}.csv");
        // The first page is read before anything is sent, so an InfluxDB that does not answer is a 503 with the reason, not
        // a 200 with an empty or cut-off file.
        var rows = history.AllAsync(actor!, criteria, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        bool any;
        try
        {
            any = await rows.MoveNextAsync();
        }
        catch (InfluxException ex)
        {
            BlockHistoryLog.ReadFailed(logger, actor!.UserName, ex);
            await rows.DisposeAsync();
            return Results.Problem(Unreadable, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The block history cannot be read");
        }

        // Who downloaded pupils' blocks, and for which days, is on the audit log (the filters are not: they may name a pupil).
        await store.AdminAudit.RecordAsync(actor!.Id, "blocks.export", "the block history",
            string.Create(CultureInfo.InvariantCulture, $"{first:d MMM yyyy} to {last:d MMM yyyy}"), CancellationToken.None);
        return Results.Stream(
            async stream =>
            {
                await using (rows)
                {
                    try
                    {
                        var written = await WriteAsync(Rest(rows, any), stream, context.RequestAborted);
                        BlockHistoryLog.Exported(logger, actor!.UserName, written, from, to);
                    }
                    catch (InfluxException ex)
                    {
                        // Rows have been sent: the status cannot change any more. Stop and cut the connection, so the browser
                        // reports a failed download instead of saving a file that looks complete.
                        BlockHistoryLog.ExportCut(logger, actor!.UserName, ex);
                        context.Abort();
                    }
                }
            },
            "text/csv; charset=utf-8",
            fileName);
    }

    /// <summary>The reason shown when InfluxDB does not answer (the page says the same).</summary>
    public const string Unreadable = "The block history cannot be read: InfluxDB did not answer. The appliance's health on the home page says more; try again in a minute.";

    private static async IAsyncEnumerable<BlockRow> Rest(IAsyncEnumerator<BlockRow> rows, bool first)
    {
        if (!first)
        {
            yield break;
        }

        do
        {
            yield return rows.Current;
        }
        while (await rows.MoveNextAsync());
    }
}
