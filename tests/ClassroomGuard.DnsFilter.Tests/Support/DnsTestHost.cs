using System.Net;
using ClassroomGuard.DnsFilter.Caching;
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.DnsFilter.Server;
using ClassroomGuard.DnsFilter.Upstream;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClassroomGuard.DnsFilter.Tests.Support;

/// <summary>The real host (AddDnsFilter) on 127.0.0.1 with a free port, configured in memory.</summary>
public sealed class DnsTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DnsTestHost(IHost host)
    {
        _host = host;
    }

    public int Port => Server.UdpEndPoints[0].Port;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public DnsServer Server => _host.Services.GetRequiredService<DnsServer>();

    public DnsCounters Counters => _host.Services.GetRequiredService<DnsCounters>();

    public DnsCache Cache => _host.Services.GetRequiredService<DnsCache>();

    public DnsForwarder Forwarder => _host.Services.GetRequiredService<DnsForwarder>();

    public long Counter(string name) => Counters.Get(name);

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<DnsTestHost> StartAsync(
        IEnumerable<string> upstreams, IDictionary<string, string?>? settings = null, TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["Dns:Listen:0"] = "127.0.0.1:0",
            ["Dns:UdpSocketsPerEndpoint"] = "2",
            ["Dns:MaxConcurrentQueries"] = "32",
            ["Dns:UpstreamTimeout"] = "00:00:00.500",
            ["Dns:Lists:Ut1Url"] = "", // tests reach only loopback: no download from UT1 unless a test serves one
        };
        var i = 0;
        foreach (var upstream in upstreams)
        {
            config[$"Dns:Upstreams:{i++}"] = upstream;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("DNS_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        builder.Services.AddDnsFilter();
        var host = builder.Build();
        await host.StartAsync();
        return new DnsTestHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>A clock the test moves by hand for cache ages; timers (timeouts) stay real.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
