namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>A snapshot of <see cref="InfluxWriter"/>'s counters for the status page. Counts are since start.</summary>
/// <param name="PointsAccepted">Points <see cref="InfluxWriter.TryWrite"/> took.</param>
/// <param name="PointsWritten">Points InfluxDB acknowledged.</param>
/// <param name="PointsRejectedFull">Points refused at once because <see cref="InfluxOptions.MaxBufferedPoints"/> were already waiting (or the writer was stopped).</param>
/// <param name="PointsInvalid">Points refused because they were invalid (<see cref="PointBuilder.Error"/>).</param>
/// <param name="PointsDroppedByServer">Points InfluxDB refused for good (400 field type conflict, unparsable, 413).</param>
/// <param name="PointsDroppedSpoolFull">Points deleted because the spool was full (oldest first) or could not be written.</param>
/// <param name="PointsSpooled">Points that went through the on-disk spool.</param>
/// <param name="BufferedPoints">Points in memory now, waiting to be sent or spooled.</param>
/// <param name="SpoolBatches">Batches in the spool now (its depth).</param>
/// <param name="SpoolBytes">Bytes in the spool now.</param>
/// <param name="SpoolPoints">Points in the spool now.</param>
/// <param name="WriteFailures">HTTP write attempts that failed (each retry counts).</param>
/// <param name="LastError">The last failure's message (names server and cause), or <see langword="null"/>.</param>
public readonly record struct InfluxWriterStatistics(
    long PointsAccepted,
    long PointsWritten,
    long PointsRejectedFull,
    long PointsInvalid,
    long PointsDroppedByServer,
    long PointsDroppedSpoolFull,
    long PointsSpooled,
    long BufferedPoints,
    int SpoolBatches,
    long SpoolBytes,
    long SpoolPoints,
    long WriteFailures,
    string? LastError);
