using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// Settings of the InfluxDB time-series client, bound from the configuration section <c>Influx</c>
/// (e.g. <c>ClassroomGuard__Influx__Url</c>, <c>--Influx:Database=...</c>). Every setting has a default that
/// suits one appliance talking to the InfluxDB on the same box.
/// </summary>
/// <remarks>
/// The client speaks InfluxDB 1.x's HTTP API (<c>/ping</c>, <c>/write</c>, <c>/query</c> with InfluxQL), the only
/// InfluxDB these machines can run and test (Debian's <c>influxdb</c> 1.6.7); start-up refuses any other major
/// version (docs/architecture.md says why). Credentials are never logged and never appear in <see cref="ToString"/>.
/// </remarks>
public sealed class InfluxOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from: <c>Influx</c>.</summary>
    public const string SectionName = "Influx";

    /// <summary>Name of the retention policy that holds raw per-second data: <c>raw</c>.</summary>
    public const string RawPolicyName = "raw";

    /// <summary>Name of the retention policy that holds per-minute rollups: <c>rollup_1m</c>.</summary>
    public const string MinutePolicyName = "rollup_1m";

    /// <summary>Name of the retention policy that holds hourly rollups for reports: <c>rollup_1h</c>.</summary>
    public const string HourPolicyName = "rollup_1h";

    /// <summary>
    /// Name of the retention policy that holds the weekly report's hourly top lists (<see cref="ReportRollup"/>'s
    /// <c>report_top</c>: sites, DNS names and blocked domains per room): <c>report_top</c>. Kept apart from
    /// <c>rollup_1h</c> because, in a room with one device, they are one person's browsing.
    /// </summary>
    public const string ReportTopPolicyName = "report_top";

    /// <summary>Name of the retention policy that holds the block history (a copy of <c>dns_blocks</c>): <c>blocks</c>.</summary>
    public const string BlocksPolicyName = "blocks";

    /// <summary>Base address of the InfluxDB HTTP API. Absolute http or https. Default <c>http://127.0.0.1:8086</c>.</summary>
    [Required(ErrorMessage = "Influx:Url must be set.")]
    public Uri Url { get; set; } = new("http://127.0.0.1:8086");

    /// <summary>Database (1.x/3.x) or DBRP-mapped database name (2.x) to write to and query. Default <c>classroomguard</c>.</summary>
    [Required(ErrorMessage = "Influx:Database must be set.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Influx:Database must be 1-64 characters of letters, digits, '_', '.' or '-'.")]
    public string Database { get; set; } = "classroomguard";

    /// <summary>
    /// Retention policy that writes go to (the <c>rp</c> parameter). Default <c>raw</c> (<see cref="RawPolicyName"/>),
    /// which <see cref="Provision"/> creates with <see cref="RawRetention"/>. Empty means the database's default policy.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "Influx:RetentionPolicy must be up to 64 characters of letters, digits, '_', '.' or '-'.")]
    public string RetentionPolicy { get; set; } = RawPolicyName;

    /// <summary>User name for InfluxDB 1.x authentication (sent as HTTP Basic). Default none. Never logged.</summary>
    public string? Username { get; set; }

    /// <summary>Password for <see cref="Username"/>. Default none. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Not supported: an API token is for InfluxDB 2.x/3.x, which ClassroomGuard is not tested with. Setting it stops
    /// start-up with a message naming it (rather than silently sending requests no test has exercised). Never logged.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Timestamp precision of written points: <c>Nanoseconds</c>, <c>Microseconds</c>, <c>Milliseconds</c> or
    /// <c>Seconds</c>. Default <c>Nanoseconds</c>.</summary>
    public InfluxPrecision Precision { get; set; } = InfluxPrecision.Nanoseconds;

    /// <summary>Points per HTTP write request; a batch is sent when it is full or <see cref="FlushInterval"/> has passed.
    /// Default 5000 (InfluxData recommends 5,000-10,000). Range 1-100,000.</summary>
    [Range(1, 100_000, ErrorMessage = "Influx:BatchSize must be between 1 and 100000.")]
    public int BatchSize { get; set; } = 5000;

    /// <summary>Longest time a point waits in memory before it is sent. Default 1 s. Range 10 ms - 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "Influx:FlushInterval must be between 00:00:00.010 and 00:01:00.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most points held in memory waiting to be sent or spooled. When full, <see cref="InfluxWriter.TryWrite"/> returns
    /// <see langword="false"/> at once (the caller never waits) and the point is counted as rejected.
    /// Default 200,000 (about 40 MB of line protocol at most). Must be at least <see cref="BatchSize"/>.
    /// </summary>
    [Range(1, 50_000_000, ErrorMessage = "Influx:MaxBufferedPoints must be between 1 and 50000000.")]
    public int MaxBufferedPoints { get; set; } = 200_000;

    /// <summary>Compress request bodies with gzip (<c>Content-Encoding: gzip</c>). Default <see langword="true"/>.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>Retries of a failed write before the batch goes to the spool. Default 3. Range 0-20.</summary>
    [Range(0, 20, ErrorMessage = "Influx:MaxRetries must be between 0 and 20.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; it doubles each attempt, with ±20 % jitter, up to <see cref="RetryMaxDelay"/>.
    /// A longer <c>Retry-After</c> from the server wins. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Influx:RetryBaseDelay must be between 00:00:00.001 and 00:10:00.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest computed retry delay (also the longest wait between spool replay attempts). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Influx:RetryMaxDelay must be between 00:00:00.001 and 01:00:00.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest <c>Retry-After</c> that is honoured as sent; longer values are capped here. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Influx:MaxRetryAfter must be between 00:00:00 and 01:00:00.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Folder of the on-disk spool that holds batches while InfluxDB is unreachable (one fsync'd file per batch,
    /// replayed oldest first). Default <c>/var/lib/classroomguard/spool</c>. Created if missing.
    /// </summary>
    [Required(ErrorMessage = "Influx:SpoolDirectory must be set.")]
    public string SpoolDirectory { get; set; } = "/var/lib/classroomguard/spool";

    /// <summary>Most bytes the spool may hold; beyond it the OLDEST batches are deleted and counted as dropped.
    /// Default 256 MiB (at gzip's ~10:1 on line protocol, a few hours of a large school). Minimum 64 KiB.</summary>
    [Range(64L * 1024, long.MaxValue, ErrorMessage = "Influx:SpoolMaxBytes must be at least 65536 (64 KiB).")]
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Timeout of one HTTP request to InfluxDB. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ErrorMessage = "Influx:RequestTimeout must be between 00:00:00.050 and 00:10:00.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Create the database, retention policies and continuous queries at start (idempotent).
    /// Default <see langword="true"/>. Needs admin rights on 1.x; turn off when an operator provisions a shared server,
    /// and on InfluxDB 2.x/3.x, whose buckets and retention are managed there (their v1 API has no CREATE RETENTION POLICY).</summary>
    public bool Provision { get; set; } = true;

    /// <summary>How long raw per-second data is kept (retention policy <c>raw</c>). Default 7 days. Minimum 1 h.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Influx:RawRetention must be between 01:00:00 and 3650.00:00:00.")]
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long per-minute rollups are kept (retention policy <c>rollup_1m</c>). Default 90 days. Minimum 1 h.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Influx:MinuteRollupRetention must be between 01:00:00 and 3650.00:00:00.")]
    public TimeSpan MinuteRollupRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long hourly rollups for weekly reports are kept (retention policy <c>rollup_1h</c>).
    /// Default 400 days. Minimum 1 h.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Influx:HourRollupRetention must be between 01:00:00 and 3650.00:00:00.")]
    public TimeSpan HourRollupRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How long the weekly report's hourly top lists (sites, DNS names and blocked domains per room) are kept
    /// (retention policy <c>report_top</c>). Default 35 days: this week's report and the week before, for a month. Minimum 1 day.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Influx:ReportTopRetention must be between 1.00:00:00 and 3650.00:00:00.")]
    public TimeSpan ReportTopRetention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>How long the block history is kept (retention policy <c>blocks</c>: every DNS block with its attribution,
    /// domain names included, copied from <c>raw</c> each minute). Default 90 days. Minimum 1 day.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Influx:BlockRetention must be between 1.00:00:00 and 3650.00:00:00.")]
    public TimeSpan BlockRetention { get; set; } = TimeSpan.FromDays(90);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult(
                "Influx:Url must be an absolute http:// or https:// address, e.g. http://127.0.0.1:8086.", [nameof(Url)]);
        }
        else if (!string.IsNullOrEmpty(Url.Query) || !string.IsNullOrEmpty(Url.UserInfo))
        {
            yield return new ValidationResult(
                "Influx:Url must not carry a query or user info; use Influx:Username and Influx:Password.", [nameof(Url)]);
        }

        if (!string.IsNullOrEmpty(Token))
        {
            yield return new ValidationResult(
                "Influx:Token is for InfluxDB 2.x/3.x, which ClassroomGuard does not support (it is tested with InfluxDB 1.x, "
                + "Debian's influxdb package); remove it and use Influx:Username and Influx:Password.", [nameof(Token)]);
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult(
                "Influx:Username and Influx:Password must be set together.", [nameof(Username), nameof(Password)]);
        }

        if (MaxBufferedPoints < BatchSize)
        {
            yield return new ValidationResult(
                "Influx:MaxBufferedPoints must be at least Influx:BatchSize.", [nameof(MaxBufferedPoints)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                "Influx:RetryMaxDelay must not be shorter than Influx:RetryBaseDelay.", [nameof(RetryMaxDelay)]);
        }

        if (!Enum.IsDefined(Precision))
        {
            yield return new ValidationResult("Influx:Precision must be Nanoseconds, Microseconds, Milliseconds or Seconds.", [nameof(Precision)]);
        }

        if (string.IsNullOrWhiteSpace(SpoolDirectory) || !Path.IsPathFullyQualified(SpoolDirectory))
        {
            yield return new ValidationResult(
                "Influx:SpoolDirectory must be an absolute path.", [nameof(SpoolDirectory)]);
        }
    }

    /// <summary>Describes the settings for logs and diagnostics; credentials are shown only as set or not set.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Url={Url}, Database={Database}, RetentionPolicy={RetentionPolicy}, Auth={AuthDescription}, BatchSize={BatchSize}, FlushInterval={FlushInterval}, Gzip={Gzip}, SpoolDirectory={SpoolDirectory}, SpoolMaxBytes={SpoolMaxBytes}");

    /// <summary>How the client authenticates, without the secret: <c>token</c>, <c>basic(user)</c> or <c>none</c>.</summary>
    internal string AuthDescription =>
        !string.IsNullOrEmpty(Token) ? "token" : !string.IsNullOrEmpty(Username) ? "basic(" + Username + ")" : "none";
}

/// <summary>Timestamp precision of written points (the <c>precision</c> parameter of <c>/write</c>).</summary>
public enum InfluxPrecision
{
    /// <summary>Nanoseconds (<c>ns</c>), InfluxDB's native precision.</summary>
    Nanoseconds,

    /// <summary>Microseconds (<c>us</c>).</summary>
    Microseconds,

    /// <summary>Milliseconds (<c>ms</c>).</summary>
    Milliseconds,

    /// <summary>Seconds (<c>s</c>); smallest payloads, enough for per-second aggregates.</summary>
    Seconds,
}
