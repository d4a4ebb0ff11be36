using System.Net;
using System.Text;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.TimeSeries;

[Collection(InfluxdCollection.Name)]
public sealed class InfluxWriterTests(InfluxdFixture influxd)
{
    private const long BaseTime = 1_763_780_000_000_000_000L;

    private static void WritePoints(InfluxWriter writer, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var point = writer.CreatePoint("stream").Tag("device", "d1").Field("seq", (long)i).Timestamp(BaseTime + (i * 1000L));
            Assert.True(writer.TryWrite(point), $"point {i} refused");
        }
    }

    private static async Task CreateDatabaseAsync(InfluxTestClient client) =>
        await client.Reader.QueryAsync($"CREATE DATABASE {client.Options.Database}", CancellationToken.None);

    private static async Task<long> CountAsync(InfluxTestClient client, string measurement = "stream")
    {
        var series = await client.SeriesAsync($"SELECT count(\"seq\") FROM \"{measurement}\"");
        return series is null ? 0 : series.Rows[0][1].AsInt64();
    }

    [Fact]
    public async Task TryWrite_ServerStoppedMidStreamThenRestarted_EveryPointStoredOnceInOrder()
    {
        const int N = 20_000;
        await using var server = await InfluxdServer.StartNewAsync();
        await using var client = new InfluxTestClient(server.Url, "outage", o =>
        {
            o.RetentionPolicy = "";
            o.BatchSize = 1000;
            o.MaxRetries = 1;
        });
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);

        WritePoints(client.Writer, 0, 6_000);
        await client.Writer.FlushAsync(CancellationToken.None);
        await server.StopAsync();

        WritePoints(client.Writer, 6_000, 14_000);
        await client.Writer.FlushAsync(CancellationToken.None); // sent nowhere: lands in the spool
        var during = client.Writer.GetStatistics();
        Assert.True(during.SpoolBatches > 0, "the outage must have been spooled");
        Assert.Contains("connection refused", during.LastError, StringComparison.Ordinal);

        await server.StartAsync();
        WritePoints(client.Writer, 14_000, N);
        await client.Writer.FlushAsync(CancellationToken.None);
        await InfluxTestClient.WaitUntilAsync(
            async () => client.Writer.GetStatistics().SpoolBatches == 0 && await CountAsync(client) == N, "all points are stored");

        var rows = (await client.SeriesAsync("SELECT \"seq\" FROM \"stream\""))!.Rows;
        Assert.Equal(N, rows.Count);
        for (var i = 0; i < N; i++)
        {
            Assert.Equal(i, rows[i][1].AsInt64());
            Assert.Equal(BaseTime + (i * 1000L), rows[i][0].AsInt64());
        }

        var stats = client.Writer.GetStatistics();
        Assert.Equal(N, stats.PointsWritten);
        Assert.Equal(0, stats.PointsDroppedSpoolFull + stats.PointsDroppedByServer + stats.PointsRejectedFull);
    }

    [Fact]
    public async Task TryWrite_ServerKilledDuringContinuousStream_EveryPointStoredOnce()
    {
        const int N = 20_000;
        await using var server = await InfluxdServer.StartNewAsync();
        await using var client = new InfluxTestClient(server.Url, "killed", o =>
        {
            o.RetentionPolicy = "";
            o.BatchSize = 250;
            o.MaxRetries = 1;
        });
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);
        var written = 0;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < N; i++)
            {
                var point = client.Writer.CreatePoint("stream").Tag("device", "d1").Field("seq", (long)i).Timestamp(BaseTime + (i * 1000L));
                while (!client.Writer.TryWrite(point))
                {
                    Thread.Sleep(1);
                }

                Volatile.Write(ref written, i + 1);
                if (i % 50 == 0)
                {
                    Thread.Sleep(1); // a steady stream rather than one burst
                }
            }
        });
        producer.Start();

        await InfluxTestClient.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref written) >= 4_000), "the stream is flowing");
        await server.StopAsync(); // kill -9 while requests are in flight
        await InfluxTestClient.WaitUntilAsync(() => Task.FromResult(client.Writer.GetStatistics().SpoolBatches > 0), "batches are spooled");
        await InfluxTestClient.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref written) >= 12_000), "the stream goes on");
        await server.StartAsync();
        producer.Join();
        await client.Writer.FlushAsync(CancellationToken.None);
        await InfluxTestClient.WaitUntilAsync(
            async () => client.Writer.GetStatistics().SpoolBatches == 0 && await CountAsync(client) == N, "all points are stored");

        // A batch whose answer was lost in the kill may have been sent twice; same series and time overwrite, so
        // the count is still exact.
        var rows = (await client.SeriesAsync("SELECT \"seq\" FROM \"stream\""))!.Rows;
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), rows.Select(r => r[1].AsInt64()));
        var stats = client.Writer.GetStatistics();
        Assert.Equal(0, stats.PointsDroppedSpoolFull + stats.PointsDroppedByServer);
    }

    [Fact]
    public async Task TryWrite_SpoolFullWhileServerDown_OldestDroppedAndCounted()
    {
        var deadUrl = new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}");
        await using var client = new InfluxTestClient(deadUrl, "spoolfull", o =>
        {
            o.Gzip = false;
            o.BatchSize = 100;
            o.MaxRetries = 0;
            o.SpoolMaxBytes = 64 * 1024;
        });
        await client.Writer.StartAsync(CancellationToken.None);

        WritePoints(client.Writer, 0, 3_000);
        await client.Writer.FlushAsync(CancellationToken.None);

        var stats = client.Writer.GetStatistics();
        Assert.Equal(3_000, stats.PointsAccepted);
        Assert.True(stats.PointsDroppedSpoolFull > 0, "the spool limit must have been hit");
        Assert.True(stats.SpoolBytes <= client.Options.SpoolMaxBytes);
        Assert.Equal(3_000, stats.PointsDroppedSpoolFull + stats.SpoolPoints);

        // What is left is the newest data: the files hold exactly the last SpoolPoints points, in order.
        var files = Directory.GetFiles(client.Options.SpoolDirectory, "*.lp").Order(StringComparer.Ordinal).ToList();
        var seqs = files.SelectMany(File.ReadAllLines)
            .Select(line => long.Parse(line.Split("seq=")[1].Split('i')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(Enumerable.Range((int)stats.PointsDroppedSpoolFull, (int)stats.SpoolPoints).Select(i => (long)i), seqs);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    public async Task TryWrite_ServerAnswersRetryAfter_NextAttemptWaitsThatLong(HttpStatusCode status, bool asHttpDate)
    {
        await using var fake = new FakeInfluxServer();
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_763_780_000));
        fake.Enqueue(status, asHttpDate ? time.GetUtcNow().AddSeconds(30).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "30");
        await using var client = new InfluxTestClient(fake.Url, "retry", o => o.MaxRetries = 3, time);
        await client.Writer.StartAsync(CancellationToken.None);

        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("m").Field("f", 1L)));
        var flushed = client.Writer.FlushAsync(CancellationToken.None);
        await InfluxTestClient.WaitUntilAsync(
            () => Task.FromResult(time.PendingDueTimes.Any(due => due >= time.GetUtcNow() + TimeSpan.FromSeconds(30))),
            "the writer waits for the retry");
        Assert.Equal(1, fake.Writes);
        Assert.True(client.Writer.LastRetryDelay >= TimeSpan.FromSeconds(30), "Retry-After: 30 must win over the 20 ms backoff");

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Contains(time.PendingDueTimes, due => due > time.GetUtcNow()); // still waiting after 29 s
        Assert.Equal(1, fake.Writes);

        time.Advance(TimeSpan.FromSeconds(1));
        await flushed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, fake.Writes);
        Assert.Equal(1, client.Writer.GetStatistics().PointsWritten);
        Assert.Equal(1, client.Writer.GetStatistics().WriteFailures);
    }

    [Fact]
    public async Task TryWrite_FieldTypeConflict_BadPointDroppedAndCountedGoodPointsStored()
    {
        var database = influxd.NewDatabase("conflict");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o => o.RetentionPolicy = "");
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);
        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("typed").Field("seq", 1L).Timestamp(BaseTime)));
        await client.Writer.FlushAsync(CancellationToken.None);

        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("typed").Field("seq", 2L).Timestamp(BaseTime + 1)));
        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("typed").Field("seq", "text").Timestamp(BaseTime + 2)));
        Assert.True(client.Writer.TryWrite(client.Writer.CreatePoint("typed").Field("seq", 4L).Timestamp(BaseTime + 3)));
        await client.Writer.FlushAsync(CancellationToken.None);

        var stats = client.Writer.GetStatistics();
        Assert.Equal(1, stats.PointsDroppedByServer);
        Assert.Equal(3, stats.PointsWritten);
        Assert.Equal(0, stats.SpoolBatches);
        Assert.Contains("field type conflict", stats.LastError, StringComparison.Ordinal);
        Assert.Equal(3, await CountAsync(client, "typed"));
    }

    [Fact]
    public async Task TryWrite_WrongCredentials_ClearErrorAndSpooledThenReplayedWithRightOnes()
    {
        await using var server = await InfluxdServer.StartNewAsync(authEnabled: true);
        await server.QueryRawAsync("CREATE USER admin WITH PASSWORD 'right-pass' WITH ALL PRIVILEGES");
        await server.QueryRawAsync("CREATE DATABASE creds", username: "admin", password: "right-pass");
        var spool = Path.Combine(Path.GetTempPath(), "cg-spool-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using (var wrong = new InfluxTestClient(server.Url, "creds", o =>
            {
                o.RetentionPolicy = "";
                o.Username = "admin";
                o.Password = "wrong-pass";
                o.MaxRetries = 0;
            }, spoolDirectory: spool))
            {
                await wrong.Writer.StartAsync(CancellationToken.None);
                WritePoints(wrong.Writer, 0, 500);
                await wrong.Writer.FlushAsync(CancellationToken.None);

                var stats = wrong.Writer.GetStatistics();
                Assert.Equal(500, stats.SpoolPoints);
                Assert.Equal(0, stats.PointsWritten);
                Assert.Contains($"InfluxDB at {server.Url}", stats.LastError, StringComparison.Ordinal);
                Assert.Contains("rejected the credentials (401", stats.LastError, StringComparison.Ordinal);
                Assert.DoesNotContain("wrong-pass", stats.LastError, StringComparison.Ordinal);
                Assert.DoesNotContain(wrong.Logs, line => line.Contains("wrong-pass", StringComparison.Ordinal));

                var ping = await wrong.Connection.PingAsync(CancellationToken.None);
                Assert.True(ping.IsHealthy, "ping needs no credentials");
                var error = await Assert.ThrowsAsync<InfluxException>(() => wrong.Provisioner.ProvisionAsync(CancellationToken.None));
                Assert.Contains("rejected the credentials", error.Message, StringComparison.Ordinal);
                Assert.Contains(server.Url.ToString(), error.Message, StringComparison.Ordinal);
            }

            // The next run, with the right password, replays the spool left behind.
            await using var right = new InfluxTestClient(server.Url, "creds", o =>
            {
                o.RetentionPolicy = "";
                o.Username = "admin";
                o.Password = "right-pass";
            }, spoolDirectory: spool);
            await right.Writer.StartAsync(CancellationToken.None);
            await InfluxTestClient.WaitUntilAsync(
                async () => right.Writer.GetStatistics().SpoolBatches == 0 && await CountAsync(right) == 500, "the spool is replayed");
            Assert.Equal(500, right.Writer.GetStatistics().PointsWritten);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_ServerUnreachable_ClearErrorAndPointsSpooledNotLost()
    {
        var deadUrl = new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}");
        await using var client = new InfluxTestClient(deadUrl, "down", o => o.MaxRetries = 0);
        await client.Writer.StartAsync(CancellationToken.None);

        var ping = await client.Connection.PingAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<InfluxException>(() => client.Provisioner.ProvisionAsync(CancellationToken.None));
        WritePoints(client.Writer, 0, 250);
        await client.Writer.FlushAsync(CancellationToken.None);

        Assert.False(ping.IsHealthy);
        Assert.Equal($"InfluxDB at {deadUrl} is unreachable: connection refused (is influxd running?)", ping.Error);
        Assert.Equal(ping.Error, error.Message);
        Assert.Equal(250, client.Writer.GetStatistics().SpoolPoints);
        Assert.Contains(client.Logs, line => line.Contains("spooling to " + client.Options.SpoolDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendNow_LongFlushInterval_SendsWithoutWaitingForTheTick()
    {
        var database = influxd.NewDatabase("sendnow");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o =>
        {
            o.RetentionPolicy = "";
            o.FlushInterval = TimeSpan.FromMinutes(1); // the tick would come after the wait below gives up
        });
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);
        WritePoints(client.Writer, 0, 321);

        client.Writer.SendNow();

        await InfluxTestClient.WaitUntilAsync(async () => await CountAsync(client) == 321, "the points are sent before the tick");
        // InfluxDB can show the points a moment before the writer has read its answer and emptied its buffer.
        await InfluxTestClient.WaitUntilAsync(() => Task.FromResult(client.Writer.GetStatistics().BufferedPoints == 0), "the buffer is empty after the send");
        Assert.Equal(0, client.Writer.GetStatistics().BufferedPoints);
    }

    [Fact]
    public async Task StartAsync_SpoolFolderHeldByAnotherWriter_RefusedNamingTheSettingUntilItStops()
    {
        var database = influxd.NewDatabase("sharedspool");
        await using var first = new InfluxTestClient(influxd.Server.Url, database);
        await using var second = new InfluxTestClient(influxd.Server.Url, database, spoolDirectory: first.Options.SpoolDirectory);
        await first.Writer.StartAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => second.Writer.StartAsync(CancellationToken.None));
        Assert.Contains("Influx:SpoolDirectory", refused.Message, StringComparison.Ordinal);
        Assert.Contains(first.Options.SpoolDirectory, refused.Message, StringComparison.Ordinal);

        await first.Writer.StopAsync(CancellationToken.None);
        await second.Writer.StartAsync(CancellationToken.None); // the folder is free once its writer stopped
        await second.Writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StopAsync_PointsInMemory_SentBeforeStopping()
    {
        var database = influxd.NewDatabase("shutdown");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o =>
        {
            o.RetentionPolicy = "";
            o.FlushInterval = TimeSpan.FromMinutes(1);
        });
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);
        WritePoints(client.Writer, 0, 1_234);

        await client.Writer.StopAsync(CancellationToken.None);

        Assert.Equal(1_234, await CountAsync(client));
        Assert.False(client.Writer.TryWrite(client.Writer.CreatePoint("late").Field("f", 1L)), "a stopped writer refuses points");
    }

    [Fact]
    public async Task StopAsync_ServerDown_PointsInMemorySpooled()
    {
        var deadUrl = new Uri($"http://127.0.0.1:{InfluxdServer.FreePort()}");
        await using var client = new InfluxTestClient(deadUrl, "down", o => o.FlushInterval = TimeSpan.FromMinutes(1));
        await client.Writer.StartAsync(CancellationToken.None);
        WritePoints(client.Writer, 0, 321);

        await client.Writer.StopAsync(CancellationToken.None);

        Assert.Equal(321, client.Writer.GetStatistics().SpoolPoints);
    }

    [Fact]
    public async Task TryWrite_FourThreadsAtOnce_EveryPointStoredOnce()
    {
        var database = influxd.NewDatabase("threads");
        await using var client = new InfluxTestClient(influxd.Server.Url, database, o =>
        {
            o.RetentionPolicy = "";
            o.BatchSize = 700;
        });
        await CreateDatabaseAsync(client);
        await client.Writer.StartAsync(CancellationToken.None);

        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var point = client.Writer.CreatePoint("stream").Tag("device", "t" + t).Field("seq", (long)i).Timestamp(BaseTime + i);
                while (!client.Writer.TryWrite(point))
                {
                    Thread.Sleep(1);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        await client.Writer.FlushAsync(CancellationToken.None);

        Assert.Equal(20_000, await CountAsync(client));
        var perDevice = await client.Reader.QueryAsync("SELECT count(\"seq\") FROM \"stream\" GROUP BY \"device\"", CancellationToken.None);
        Assert.All(perDevice.Series, s => Assert.Equal(5_000, s.Rows[0][1].AsInt64()));
        Assert.Equal(4, perDevice.Series.Count());
    }

    [Fact]
    public async Task FlushAsync_NotStarted_Throws()
    {
        await using var client = new InfluxTestClient(new Uri("http://127.0.0.1:9"), "idle");

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.Writer.FlushAsync(CancellationToken.None));
    }

    [Fact]
    public void TryWrite_MemoryFull_RefusesAtOnceAndCounts()
    {
        var client = new InfluxTestClient(new Uri("http://127.0.0.1:9"), "full", o =>
        {
            o.BatchSize = 10;
            o.MaxBufferedPoints = 25;
        });

        // Not started: nothing drains, so the 26th point finds memory full.
        var accepted = 0;
        for (var i = 0; i < 40; i++)
        {
            accepted += client.Writer.TryWrite(client.Writer.CreatePoint("m").Field("f", (long)i)) ? 1 : 0;
        }

        Assert.Equal(25, accepted);
        Assert.Equal(15, client.Writer.GetStatistics().PointsRejectedFull);
        Assert.Equal(25, client.Writer.GetStatistics().BufferedPoints);
    }

    [Fact]
    public void TryWrite_InvalidPoint_RefusedAndCounted()
    {
        var client = new InfluxTestClient(new Uri("http://127.0.0.1:9"), "invalid");

        Assert.False(client.Writer.TryWrite(client.Writer.CreatePoint("m").Field("ratio", double.NaN)));
        Assert.False(client.Writer.TryWrite(client.Writer.CreatePoint("m")));

        Assert.Equal(2, client.Writer.GetStatistics().PointsInvalid);
        Assert.Equal(0, client.Writer.GetStatistics().PointsAccepted);
    }

    [Fact]
    public async Task TryWrite_NoTimestamp_StampedWithWritersClockWhenAccepted()
    {
        await using var fake = new FakeInfluxServer();
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_763_780_000));
        await using var client = new InfluxTestClient(fake.Url, "stamp", o => o.Precision = InfluxPrecision.Seconds, time);
        await client.Writer.StartAsync(CancellationToken.None);
        var point = client.Writer.CreatePoint("m").Field("f", 1L);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(client.Writer.TryWrite(point));
        await client.Writer.FlushAsync(CancellationToken.None);

        Assert.Equal("m f=1i 1763780005\n", Assert.Single(fake.Bodies));
    }
}
