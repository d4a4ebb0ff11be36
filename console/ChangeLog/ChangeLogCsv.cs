using System.Globalization;
using ClassroomGuard.Console.Csv;
using ClassroomGuard.Console.Security;
using CsvHelper;

namespace ClassroomGuard.Console.ChangeLog;

/// <summary>A change as one row of the CSV export (headers in words, columns in this order).</summary>
[CsvRecord]
internal sealed partial class ChangeLogCsvRow
{
    [CsvColumn("Change")] public long ChangeId { get; set; }

    [CsvColumn("Kind")] public string Kind { get; set; } = string.Empty;

    [CsvColumn("What")] public string What { get; set; } = string.Empty;

    [CsvColumn("Before and after")] public string BeforeAfter { get; set; } = string.Empty;

    [CsvColumn("Proposed by")] public string ProposedBy { get; set; } = string.Empty;

    [CsvColumn("Proposed at")] public string ProposedAt { get; set; } = string.Empty;

    [CsvColumn("Reason")] public string Reason { get; set; } = string.Empty;

    [CsvColumn("Outcome")] public string Outcome { get; set; } = string.Empty;

    [CsvColumn("Decided at")] public string DecidedAt { get; set; } = string.Empty;

    [CsvColumn("Comment")] public string Comment { get; set; } = string.Empty;

    [CsvColumn("Temporary unblock")] public string TemporaryUnblock { get; set; } = string.Empty;
}

/// <summary>
/// The change-control log as CSV (CsvHelper; UTF-8 with a byte-order mark so a spreadsheet reads "→" and names
/// correctly): <c>GET /change-log/export.csv?kind=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>, authorised like the log page.
/// Written a page of 500 changes at a time, so a log of any size streams.
/// </summary>
internal static class ChangeLogCsv
{
    public const string Path = "/change-log/export.csv";

    // A byte-order mark so a spreadsheet reads "→" and names as UTF-8; a reason typed as "=HYPERLINK(…)" is escaped,
    // not run as a formula when a governor opens the file (OWASP CSV injection).
    public static IEndpointRouteBuilder MapChangeLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization(Policies.ChangeLog);
        return endpoints;
    }

    /// <summary>The export's address for a filter, as the page links it.</summary>
    public static string Link(ChangeLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<string> { "kind=" + filter.Kind.ToString() };
        if (filter.From is { } from)
        {
            query.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (filter.To is { } to)
        {
            query.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return Path + "?" + string.Join("&", query);
    }

    /// <summary>Writes the rows as CSV to <paramref name="output"/>; returns how many rows.</summary>
    public static Task<int> WriteAsync(IAsyncEnumerable<ChangeLogRow> rows, Stream output, CancellationToken cancellationToken)
        => CsvExport.WriteAsync(rows, ToCsv, output, cancellationToken);

    private static ChangeLogCsvRow ToCsv(ChangeLogRow row) => new()
    {
        ChangeId = row.ChangeId,
        Kind = row.TemporaryUnblock ? "Temporary unblock" : "Policy change",
        What = row.What,
        BeforeAfter = ChangeDiffs.Text(row.Diff),
        ProposedBy = row.ProposedBy,
        ProposedAt = row.ProposedAt,
        Reason = row.Reason,
        Outcome = row.OutcomeText,
        DecidedAt = row.DecidedAt ?? string.Empty,
        Comment = row.Comment ?? string.Empty,
        TemporaryUnblock = row.TemporaryUnblock ? "Yes" : "No",
    };

    private static async Task<IResult> ExportAsync(HttpContext context, ChangeLogService log, ILogger<ChangeLogService> logger, string? kind, string? from, string? to)
    {
        var actor = ConsoleUser.From(context.User);
        if (!ChangeLogService.MayRead(actor))
        {
            return Results.Forbid();
        }

        if (!TryFilter(kind, from, to, out var filter, out var problem))
        {
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "The export's filter is not valid");
        }

        var fileName = $"change-control-log-{log.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";
        return Results.Stream(
            async stream =>
            {
                var rows = await WriteAsync(log.AllAsync(actor!, filter, context.RequestAborted), stream, context.RequestAborted);
                Log.ChangeLogExported(logger, actor!.UserName, rows);
            },
            "text/csv; charset=utf-8",
            fileName);
    }

    /// <summary>Reads the export's query: kind (a <see cref="Storage.State.ChangeLogKind"/> name), from and to (yyyy-MM-dd).</summary>
    internal static bool TryFilter(string? kind, string? from, string? to, out ChangeLogFilter filter, out string? problem)
    {
        filter = new ChangeLogFilter();
        problem = null;
        var k = Storage.State.ChangeLogKind.All;
        if (!string.IsNullOrEmpty(kind) && (!Enum.TryParse(kind, ignoreCase: false, out k) || !Enum.IsDefined(k)))
        {
            problem = "kind must be All, PolicyChanges, TemporaryUnblocks or NotApplied.";
            return false;
        }

        DateOnly? first = null, last = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                problem = "from must be a date written yyyy-MM-dd.";
                return false;
            }

            first = d;
        }

        if (!string.IsNullOrEmpty(to))
        {
            if (!DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                problem = "to must be a date written yyyy-MM-dd.";
                return false;
            }

            last = d;
        }

        if (first > last)
        {
            problem = "from must not be after to.";
            return false;
        }

        filter = new ChangeLogFilter(k, first, last);
        return true;
    }
}
