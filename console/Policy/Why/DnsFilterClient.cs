using System.Net.Sockets;
using ClassroomGuard.Storage.Control;

namespace ClassroomGuard.Console.Policy.Why;

/// <summary>The DNS filter's answer, or why it could not be asked (said for a technician: what to do).</summary>
/// <param name="Reply">The reply (which may itself carry an error about the request).</param>
/// <param name="Unreachable">Why the filter could not be asked; null when it answered.</param>
public sealed record DnsFilterAnswer(ControlReply? Reply, string? Unreachable);

/// <summary>
/// Asks the running DNS filter over its control socket (<see cref="DnsFilterControl"/>): one request per connection,
/// a reply within <see cref="Timeout"/>, bounded in size. Never throws for a filter that is down or misbehaves.
/// </summary>
internal sealed class DnsFilterClient(IConfiguration configuration, ILogger<DnsFilterClient> logger)
{
    /// <summary>How long the filter has to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private const string StartIt =
        " Start it (sudo systemctl start classroomguard-dnsfilter, or run set-up again) and look at its log (journalctl -u classroomguard-dnsfilter, or /var/log/classroomguard/dnsfilter.log).";

    /// <summary>The socket asked (null when neither <c>Dns:ControlSocket</c> nor <c>State:Path</c> is set).</summary>
    public string? SocketPath { get; } = DnsFilterControl.SocketPathOf(configuration);

    public async Task<DnsFilterAnswer> AskAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var path = SocketPath;
        if (path is null)
        {
            return new DnsFilterAnswer(null, "The console does not know where to reach the DNS filter: set Dns:ControlSocket in the settings.");
        }

        if (!File.Exists(path))
        {
            return new DnsFilterAnswer(null, $"The DNS filter is not running, or it runs without its control socket ({path} does not exist)." + StartIt);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
            await socket.SendAsync(DnsFilterControl.Encode(request), SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[DnsFilterControl.MaxReplyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token)) > 0)
            {
                length += read;
            }

            var reply = DnsFilterControl.DecodeReply(buffer.AsSpan(0, length));
            if (reply is null)
            {
                WhyLog.FilterReplyUnreadable(logger, path, length);
                return new DnsFilterAnswer(null, "The DNS filter answered with something the console cannot read: are the console and the DNS filter the same version? Run set-up again to update both.");
            }

            return new DnsFilterAnswer(reply, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            WhyLog.FilterUnreachable(logger, path, "no answer in time");
            return new DnsFilterAnswer(null, $"The DNS filter did not answer within {Timeout.TotalSeconds:0} seconds. It may be overloaded or stuck: look at its log (journalctl -u classroomguard-dnsfilter) and restart it if it does not recover.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            WhyLog.FilterUnreachable(logger, path, e.Message);
            return new DnsFilterAnswer(null, $"The console may not open the DNS filter's control socket ({path}): both services must run as the same user (set-up's classroomguard).");
        }
        catch (SocketException e)
        {
            WhyLog.FilterUnreachable(logger, path, e.Message);
            return new DnsFilterAnswer(null, $"The DNS filter is not answering on {path} ({e.Message})." + StartIt);
        }
    }
}
