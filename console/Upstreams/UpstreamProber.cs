using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace ClassroomGuard.Console.Upstreams;

/// <summary>One upstream's answer to one probe: how long it took, or what went wrong (in a technician's words).</summary>
/// <param name="RoundTrip">Question to answer; null when there was no usable answer.</param>
/// <param name="Problem">Why the upstream is not serving the appliance; null when it answered.</param>
internal sealed record ProbeOutcome(TimeSpan? RoundTrip, string? Problem)
{
    public bool Answered => Problem is null;
}

/// <summary>
/// Asks one upstream resolver one question with DnsClient.NET: UDP, one try, no cache, a short timeout. NOERROR and
/// NXDOMAIN are answers (the resolver did its work); REFUSED, SERVFAIL and other errors are not, nor is silence.
/// </summary>
internal sealed class UpstreamProber(TimeProvider time)
{
    public async Task<ProbeOutcome> AskAsync(IPEndPoint upstream, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new LookupClient(new LookupClientOptions(new NameServer(upstream))
        {
            UseCache = false,
            Retries = 0,
            Timeout = timeout,
            EnableAuditTrail = false,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true, // only if the answer comes back truncated
        });
        var started = time.GetTimestamp();
        try
        {
            var response = await client.QueryAsync(name, QueryType.NS, QueryClass.IN, cancellationToken);
            var roundTrip = time.GetElapsedTime(started);
            return response.Header.ResponseCode switch
            {
                DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain => new ProbeOutcome(roundTrip, null),
                DnsHeaderResponseCode.Refused => new ProbeOutcome(null, "it refuses the appliance's questions: REFUSED"),
                DnsHeaderResponseCode.ServerFailure => new ProbeOutcome(null, "it cannot look names up itself: SERVFAIL"),
                var code => new ProbeOutcome(null, $"it answers with an error: {code.ToString().ToUpperInvariant()}"),
            };
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout)
        {
            // Also what a closed port gives: DnsClient waits out the timeout rather than report the ICMP refusal.
            return new ProbeOutcome(null, $"nothing came back within {Seconds(timeout)}");
        }
        catch (DnsResponseException e)
        {
            return new ProbeOutcome(null, "its answer could not be read: " + e.Message);
        }
        catch (SocketException e)
        {
            return new ProbeOutcome(null, "the appliance could not reach it: " + e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeOutcome(null, $"nothing came back within {Seconds(timeout)}");
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds == 1
        ? "1 second"
        : span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " seconds";
}
