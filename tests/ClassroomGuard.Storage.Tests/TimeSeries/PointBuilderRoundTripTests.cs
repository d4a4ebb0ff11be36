using System.Text;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

/// <summary>Awkward names and values go through the real influxd and come back unchanged (or replaced as documented).</summary>
[Collection(InfluxdCollection.Name)]
public sealed class PointBuilderRoundTripTests(InfluxdFixture influxd)
{
    private static readonly string[] Awkward =
    [
        "plain", "with space", " leading and trailing ", "com,ma", "eq=uals", "a=b,c d", "quo\"te", "'single'",
        @"back\slash", @"c:\dir\file", @"double\\backslash", @"trailing\", @"bs\ space", @"bs\,comma", @"bs\=eq",
        "new\nline", "cr\rlf", "tab\there", "#hash", "unicode é ü ß 中文", "emoji 😀👍🏽", "{json:\"x\"}", "sql'; DROP", "/regex/",
        "x", "", "\\", "\"", "=", ",", " ",
    ];

    /// <summary>What InfluxDB 1.x keeps of a name, per the documented rule (U+FFFD for what it cannot store).</summary>
    private enum Kind
    {
        TagKeyOrValue,
        FieldKey,
        Measurement,
    }

    private static string ExpectedName(string name, Kind kind = Kind.TagKeyOrValue)
    {
        var strict = kind != Kind.TagKeyOrValue;
        var builder = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var unstorable = c is '\n' or '\r'
                || (c == '\\' && (i + 1 == name.Length || name[i + 1] is ',' or '=' or ' ' || (strict && name[i + 1] == '"')))
                || (strict && i == 0 && c == '\t')
                || (kind == Kind.Measurement && i == 0 && c == '#');
            builder.Append(unstorable ? '\uFFFD' : c);
        }

        return builder.ToString();
    }

    private static string Visible(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static List<string> RandomStrings(int seed, int count)
    {
        const string Alphabet = "aZ09 ,=\"'\\\n\r\t#é中{}/*-_.";
        string[] extras = ["😀", "👍🏽", "ü"];
        var random = new Random(seed);
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 14);
            for (var j = 0; j < length; j++)
            {
                builder.Append(random.Next(10) == 0 ? extras[random.Next(extras.Length)] : Alphabet[random.Next(Alphabet.Length)].ToString());
            }

            list.Add(builder.ToString());
        }

        return list;
    }

    public static TheoryData<string, int> Corpora => new() { { "table", 0 }, { "random", 20261122 }, { "random", 7 }, { "random", 99 } };

    [Theory]
    [MemberData(nameof(Corpora))]
    public async Task TryWrite_AwkwardTagAndStringValues_ReadBackUnchanged(string corpus, int seed)
    {
        var values = corpus == "table" ? [.. Awkward] : RandomStrings(seed, 150);
        var database = influxd.NewDatabase("esc_values");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < values.Count; i++)
        {
            Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("esc")
                .Tag("case", i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Tag("v", values[i])
                .Field("s", values[i])
                .Field("n", (long)i)
                .Timestamp(1_000_000_000L + i)));
        }

        await client.Writer.FlushAsync(CancellationToken.None);
        Assert.Equal(values.Count, client.Writer.GetStatistics().PointsWritten);

        var series = await client.SeriesAsync("SELECT \"n\", \"s\", \"v\" FROM \"esc\"");
        Assert.NotNull(series);
        Assert.Equal(values.Count, series.Rows.Count);
        int n = series.ColumnIndex("n"), s = series.ColumnIndex("s"), v = series.ColumnIndex("v");
        foreach (var row in series.Rows)
        {
            var i = (int)row[n].AsInt64();
            Assert.Equal(values[i], row[s].AsString());
            if (values[i].Length == 0)
            {
                Assert.True(row[v].IsNull, "an empty tag value means no tag");
            }
            else
            {
                Assert.Equal(ExpectedName(values[i]), row[v].AsString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Corpora))]
    public async Task TryWrite_AwkwardMeasurementTagKeyAndFieldKey_ReadBackAsDocumented(string corpus, int seed)
    {
        var names = (corpus == "table" ? [.. Awkward] : RandomStrings(seed, 60))
            .Where(name => name.Length > 0)
            .DistinctBy(name => ExpectedName(name, Kind.Measurement))
            .ToList();
        var database = influxd.NewDatabase("esc_names");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await client.Reader.QueryAsync($"CREATE DATABASE {database}", CancellationToken.None);
        await client.Writer.StartAsync(CancellationToken.None);

        foreach (var name in names)
        {
            Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint(name).Tag(name, "v").Field(name, 1L).Timestamp(1L)));
        }

        await client.Writer.FlushAsync(CancellationToken.None);
        Assert.Equal(names.Count, client.Writer.GetStatistics().PointsWritten);

        var measurements = await client.SeriesAsync("SHOW MEASUREMENTS");
        Assert.NotNull(measurements);
        var stored = measurements.Rows.Select(row => row[0].AsString()).ToHashSet(StringComparer.Ordinal);
        var expected = names.Select(name => ExpectedName(name, Kind.Measurement)).ToHashSet(StringComparer.Ordinal);
        Assert.True(expected.SetEquals(stored), "missing: " + string.Join(" | ", expected.Except(stored).Select(Visible))
            + " unexpected: " + string.Join(" | ", stored.Except(expected).Select(Visible)));

        foreach (var name in names)
        {
            var from = InfluxQl.QuoteIdentifier(ExpectedName(name, Kind.Measurement));
            var tagKeys = await client.SeriesAsync($"SHOW TAG KEYS FROM {from}");
            Assert.Equal([ExpectedName(name)], tagKeys!.Rows.Select(row => row[0].AsString()));
            var fieldKeys = await client.SeriesAsync($"SHOW FIELD KEYS FROM {from}");
            Assert.Equal([ExpectedName(name, Kind.FieldKey)], fieldKeys!.Rows.Select(row => row[0].AsString()));
        }
    }
}
