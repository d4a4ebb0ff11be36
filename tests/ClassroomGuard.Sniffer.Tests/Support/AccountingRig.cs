using ClassroomGuard.Sniffer.Accounting;
using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Decoding;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// The real decoder feeding the real accounting and discovery sinks, as the service wires them; frames are fed by the test
/// on its own thread (which plays the capture thread).
/// </summary>
internal sealed class AccountingRig : IDisposable
{
    public AccountingRig(AccountingOptions? options = null)
    {
        var o = Options.Create(options ?? new AccountingOptions());
        Accountant = new TrafficAccountant(o);
        Discovery = new DeviceDiscovery(o);
        Map = new DeviceMap();
        Flusher = new NetActivityFlusher(Accountant, Map);
        DiscoveryWriter = new DiscoveryWriter(Discovery, Map);
        Decoder = new PacketDecoder(new CompositePacketSink([Accountant, Discovery]));
    }

    public TrafficAccountant Accountant { get; }

    public DeviceDiscovery Discovery { get; }

    public DeviceMap Map { get; }

    public NetActivityFlusher Flusher { get; }

    public DiscoveryWriter DiscoveryWriter { get; }

    public PacketDecoder Decoder { get; }

    public long Time { get; set; } = 1_700_000_000L * 1_000_000;

    /// <summary>Decodes <paramref name="frame"/> at the rig's clock, then moves the clock on by a millisecond.</summary>
    public byte[] Feed(byte[] frame)
    {
        Decoder.Decode(LinkType.Ethernet, Time, frame.Length, frame);
        Time += 1000;
        return frame;
    }

    public void Dispose() => Decoder.Dispose();
}

/// <summary>A writer and a reader on their own database of the shared influxd.</summary>
internal sealed class InfluxRig : IAsyncDisposable
{
    private InfluxRig(InfluxConnection connection, InfluxWriter writer, InfluxReader reader, string database, string spool)
    {
        Connection = connection;
        Writer = writer;
        Reader = reader;
        Database = database;
        Spool = spool;
    }

    public InfluxConnection Connection { get; }

    public InfluxWriter Writer { get; }

    public InfluxReader Reader { get; }

    public string Database { get; }

    private string Spool { get; }

    public static async Task<InfluxRig> StartAsync(InfluxdFixture influxd, string prefix)
    {
        var database = influxd.NewDatabase(prefix);
        await influxd.Server.QueryRawAsync($"CREATE DATABASE {database}");
        var spool = Directory.CreateTempSubdirectory("cg-sniffer-spool-").FullName;
        var options = Options.Create(new InfluxOptions
        {
            Url = influxd.Server.Url,
            Database = database,
            RetentionPolicy = "autogen",
            SpoolDirectory = spool,
            FlushInterval = TimeSpan.FromMilliseconds(100),
            Provision = false,
        });
        var connection = new InfluxConnection(options);
        var writer = new InfluxWriter(connection, options, NullLogger<InfluxWriter>.Instance, TimeProvider.System);
        await writer.StartAsync(CancellationToken.None);
        return new InfluxRig(connection, writer, new InfluxReader(connection, options), database, spool);
    }

    /// <summary>Every net_activity point, one row per point with its tags, after the writer has sent what it holds.</summary>
    public async Task<List<Dictionary<string, object?>>> NetActivityAsync()
    {
        await Writer.FlushAsync(CancellationToken.None);
        var result = await Reader.QueryAsync("SELECT * FROM net_activity", CancellationToken.None);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var series in result.Series)
        {
            foreach (var row in series.Rows)
            {
                // Tags no point of the answer has are not columns at all: absent reads as null.
                var point = new Dictionary<string, object?>(StringComparer.Ordinal) { ["device"] = null, ["room"] = null, ["client"] = null, ["top_sites"] = null, ["inferred_sites"] = null };
                for (var i = 0; i < series.Columns.Count; i++)
                {
                    point[series.Columns[i]] = row[i].Kind switch
                    {
                        InfluxValueKind.Integer when series.Columns[i] == "time" => row[i].AsTime(),
                        InfluxValueKind.Integer => row[i].AsInt64(),
                        InfluxValueKind.String => row[i].AsString(),
                        InfluxValueKind.Null => null,
                        _ => row[i].ToString(),
                    };
                }

                rows.Add(point);
            }
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.StopAsync(CancellationToken.None);
        await Writer.DisposeAsync();
        Connection.Dispose();
        Directory.Delete(Spool, recursive: true);
    }
}

/// <summary>A real state database in a temporary folder, deleted afterwards.</summary>
internal sealed class TempState : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cg-sniffer-state-");

    public TempState()
    {
        Options = new StateOptions { Path = Path.Combine(_directory.FullName, "state.db"), RevisionPollInterval = TimeSpan.FromMilliseconds(50) };
        Store = StateStore.Open(Options);
    }

    public StateOptions Options { get; }

    public StateStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        _directory.Delete(recursive: true);
    }
}
