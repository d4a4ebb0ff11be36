using System.Diagnostics;
using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Options;

/// <summary>
/// The policy path of one query against a generated 5,000,000-name list: client lookup, evaluation (every suffix
/// probed) and the per-second activity record, for a blocked and an allowed name. Setup also checks that every
/// 1000th generated name matches (correctness at 5M) and prints the load time.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private CompiledPolicy _policy = null!;
    private DnsActivity _activity = null!;
    private UInt128 _address;
    private PolicyClient _client = null!;
    private byte[] _blocked = null!;
    private byte[] _allowed = null!;

    [Params(5_000_000)]
    public int Names { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var categories = new CategoryMap();
        var adult = categories.GetOrAdd("adult");
        var started = Stopwatch.GetTimestamp();
        var builder = new HashedDomainTableBuilder(Names);
        for (var i = 0; i < Names; i++)
        {
            builder.Add(Name(i), adult);
        }

        var table = builder.Build();
        Console.WriteLine($"// loaded {table.Count} names in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms, {table.MemoryBytes >> 20} MB");
        for (var i = 0; i < Names; i += 1000)
        {
            if (table.MatchSuffixes(DnsName.FromText("www." + Name(i)), out _) != adult || table.MatchSuffixes(DnsName.FromText(Name(i) + "x.invalid"), out _) != 0)
            {
                throw new InvalidOperationException("Generated name " + i + " does not match.");
            }
        }

        var options = new DnsPolicyOptions();
        _policy = CompiledPolicy.Fallback(new LoadedLists(table, categories, [], TimeSpan.Zero), options, new SafeSearchNames(options));
        _activity = new DnsActivity(Options.Create(options), new PolicyCounters());
        _address = ClientKey.From(IPAddress.Parse("10.1.2.3"));
        _client = _policy.ResolveClient(_address);
        _blocked = DnsName.FromText("www." + Name(Names / 2));
        _allowed = DnsName.FromText("www.example.org");
    }

    [Benchmark]
    public PolicyOutcome Blocked() => Run(_blocked);

    [Benchmark]
    public PolicyOutcome Allowed() => Run(_allowed);

    private PolicyOutcome Run(byte[] name)
    {
        var now = DateTimeOffset.UtcNow;
        var client = _policy.ResolveClient(_address);
        _policy.Evaluate(name, client, now, out var verdict);
        _activity.Record(_policy, client, _address, name, verdict, now);
        return verdict.Outcome;
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"n{i:x}-{(uint)(i * 2654435761u) % 100000}.gen{i % 97}.example");
}
