using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace ClassroomGuard.Storage.Tests.TimeSeries.Support;

/// <summary>
/// A real influxd (Debian's 1.6.7 at /usr/bin/influxd) in temporary folders, HTTP and RPC bound to free loopback
/// ports, reporting, monitoring and every listener but HTTP off. Can be stopped and started again on the same port
/// and data (for outage tests). Deletes its folders on dispose.
/// </summary>
public sealed class InfluxdServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/influxd";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _config;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private InfluxdServer(bool authEnabled, int? maxSelectSeries = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"{Binary} is missing: the time-series tests need the real server. Install it with `apt-get install influxdb`.");
        }

        Root = Path.Combine(Path.GetTempPath(), "cg-influxd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Port = FreePort();
        var rpcPort = FreePort();
        Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}"));
        _config = Path.Combine(Root, "influxd.conf");
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{Root}/meta"
              logging-enabled = false

            [data]
              dir = "{Root}/data"
              wal-dir = "{Root}/wal"
              query-log-enabled = false
              trace-logging-enabled = false

            [monitor]
              store-enabled = false

            [retention]
              enabled = false

            [subscriber]
              enabled = false

            [continuous_queries]
              enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{Port}"
              auth-enabled = {(authEnabled ? "true" : "false")}
              log-enabled = false
              pprof-enabled = false

            [logging]
              level = "warn"
              suppress-logo = true

            [coordinator]
              max-select-series = {maxSelectSeries ?? 0}
            """));
    }

    public Uri Url { get; }

    public int Port { get; }

    public string Root { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a new server; <paramref name="maxSelectSeries"/> makes it refuse a SELECT over more series (its query limit).</summary>
    public static async Task<InfluxdServer> StartNewAsync(bool authEnabled = false, int? maxSelectSeries = null)
    {
        var server = new InfluxdServer(authEnabled, maxSelectSeries);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts influxd (again) and waits until /ping answers.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Binary, ["-config", _config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with {process.ExitCode} at start:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(Url, "ping"));
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"influxd did not answer /ping at {Url} within 30 s:\n{Output}");
    }

    /// <summary>Kills influxd (like a crash or a pulled plug) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Runs an InfluxQL statement with POST, outside the client under test.</summary>
    public async Task<string> QueryRawAsync(string query, string? database = null, string? username = null, string? password = null)
    {
        var parameters = "?db=" + Uri.EscapeDataString(database ?? string.Empty);
        if (username is not null)
        {
            parameters += "&u=" + Uri.EscapeDataString(username) + "&p=" + Uri.EscapeDataString(password ?? string.Empty);
        }

        var uri = new Uri(Url, "query" + parameters);
        var form = new Dictionary<string, string> { ["q"] = query };

        using var content = new FormUrlEncodedContent(form);
        using var response = await Http.PostAsync(uri, content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || body.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{query} -> {(int)response.StatusCode} {body}");
        }

        return body;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort() => LoopbackPorts.FreeTcp();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
