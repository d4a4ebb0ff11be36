using System.Globalization;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>BIND's dig (Debian bind9-dnsutils): the real client a pupil's device would be, from any loopback address.</summary>
public static class Dig
{
    /// <summary>dig @127.0.0.1 -p <paramref name="port"/> <paramref name="name"/> A, sent from <paramref name="source"/> when given.</summary>
    public static async Task<string> QueryAsync(int port, string name, string? source = null)
    {
        List<string> arguments = ["+time=2", "+tries=1", "-p", port.ToString(CultureInfo.InvariantCulture), "@127.0.0.1", name, "A"];
        if (source is not null)
        {
            arguments.InsertRange(0, ["-b", source]);
        }

        var (_, output) = await ServiceProcess.RunAsync("dig", arguments);
        return output;
    }

    /// <summary>
    /// Asks from <paramref name="source"/> until the answer is as <paramref name="expected"/> (the DNS filter picks up a
    /// teacher's action within a second or so), for up to about 10 s; fails the test with the last answer otherwise.
    /// </summary>
    public static async Task<string> UntilAsync(int port, string name, string source, Func<string, bool> expected)
    {
        var answer = string.Empty;
        for (var i = 0; i < 50; i++)
        {
            answer = await QueryAsync(port, name, source);
            if (expected(answer))
            {
                return answer;
            }

            await Task.Delay(200);
        }

        // An exception rather than Assert.Fail: the benchmarks compile this file too, without xUnit.
        throw new InvalidOperationException($"dig {name} from {source} never gave the expected answer; last:\n{answer}");
    }
}
