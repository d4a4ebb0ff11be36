using CsvHelper;

namespace ClassroomGuard.Console.Csv;

/// <summary>
/// The console's CSV downloads (the change-control log, the block history): UTF-8 with a byte-order mark so that Excel
/// reads names correctly, and formula injection escaped (a cell starting with = + - @ is never run as a formula by a
/// spreadsheet). Rows are written as they are read, never gathered in memory first.
/// </summary>
public static class CsvExport
{
    private static readonly CsvWriterOptions Options = new() { WriteByteOrderMark = true, Injection = CsvInjection.Escape };

    /// <summary>Writes each row, turned into its CSV record by <paramref name="toRecord"/>, to <paramref name="output"/>; returns how many rows.</summary>
    public static async Task<int> WriteAsync<TRow, TRecord>(IAsyncEnumerable<TRow> rows, Func<TRow, TRecord> toRecord, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(toRecord);
        var count = 0;
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        await csv.WriteRecordsAsync(Counted(), cancellationToken);
        await csv.FlushAsync(cancellationToken);
        return count;

        async IAsyncEnumerable<TRecord> Counted()
        {
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                count++;
                yield return toRecord(row);
            }
        }
    }
}
