using System.Globalization;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// The school's upstream resolver, played by a real unbound on a free 127.0.0.1 port that answers only the names it is
/// given (local-data, documentation addresses) and refuses everything else: nothing is ever resolved from the Internet.
/// </summary>
public sealed class UnboundUpstream : IAsyncDisposable
{
    private readonly ServiceProcess process;

    private UnboundUpstream(ServiceProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts unbound answering each of <paramref name="names"/> with an A record in 192.0.2.0/24.</summary>
    public static async Task<UnboundUpstream> StartAsync(string folder, IReadOnlyList<string> names)
    {
        Directory.CreateDirectory(folder);
        var port = Ports.FreeUdpAndTcp();
        var config = UnboundConfig.Hermetic(port, folder);
        for (var i = 0; i < names.Count; i++)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"  local-zone: \"{names[i]}.\" static");
            config.AppendLine(CultureInfo.InvariantCulture, $"  local-data: \"{names[i]}. 60 IN A 192.0.2.{i + 1}\"");
        }

        config.AppendLine("remote-control:");
        config.AppendLine("  control-enable: no");
        var path = Path.Combine(folder, "unbound.conf");
        await File.WriteAllTextAsync(path, config.ToString());

        var process = ServiceProcess.Start("unbound", "unbound", ["-d", "-c", path]);
        var upstream = new UnboundUpstream(process, port);
        try
        {
            await process.WaitUntilAsync(async () => (await Dig.QueryAsync(port, names[0])).Contains("status: NOERROR", StringComparison.Ordinal), "answering", TimeSpan.FromSeconds(20));
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }

        return upstream;
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
