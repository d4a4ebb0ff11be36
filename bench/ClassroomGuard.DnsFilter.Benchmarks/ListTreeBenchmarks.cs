using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Options;

/// <summary>
/// The policy path of one query (client lookup, evaluation with every suffix probed, per-second activity record)
/// against lists loaded from a UT1 tree exactly as the filter loads them (<see cref="LoadedLists.Load(IReadOnlyList{ListSource}, DnsListOptions, CategoryMap)"/>,
/// Format=Ut1, the default mapping). The tree is <c>CG_BENCH_UT1</c> — e.g. the 5,000,000-name tree that
/// <c>KEEP=1 bash bench/dns.sh</c> leaves in <c>/tmp/cg-dnsbench.*/ut1</c> — or else the UT1 copy <c>shared/data/ut1</c>
/// found above the build output. The blocked name asked is <c>www.</c> + <c>CG_BENCH_BLOCKED</c>, or + the last name of
/// the tree's <c>adult/domains</c> (a generated one), or of its <c>gambling/domains</c>.
/// </summary>
[MemoryDiagnoser]
public class ListTreeBenchmarks
{
    private CompiledPolicy _policy = null!;
    private DnsActivity _activity = null!;
    private UInt128 _address;
    private byte[] _blocked = null!;
    private byte[] _allowed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var tree = Environment.GetEnvironmentVariable("CG_BENCH_UT1") is { Length: > 0 } configured ? configured : FindUt1Copy();
        var categories = new CategoryMap();
        var started = Stopwatch.GetTimestamp();
        var lists = LoadedLists.Load([new ListSource { Path = tree, Format = ListFormat.Ut1 }], new DnsListOptions(), categories);
        Console.WriteLine($"// loaded {lists.Table.Count} names from {tree} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms, {lists.Table.MemoryBytes >> 20} MB of tables");

        var options = new DnsPolicyOptions();
        _policy = CompiledPolicy.Fallback(lists, options, new SafeSearchNames(options));
        _activity = new DnsActivity(Options.Create(options), new PolicyCounters());
        _address = ClientKey.From(IPAddress.Parse("10.1.2.3"));
        var blocked = Environment.GetEnvironmentVariable("CG_BENCH_BLOCKED") is { Length: > 0 } name ? name : LastName(tree);
        _blocked = DnsName.FromText("www." + blocked);
        _allowed = DnsName.FromText("www.example.org");
        if (Blocked() != PolicyOutcome.Block || Allowed() != PolicyOutcome.Forward)
        {
            throw new InvalidOperationException($"www.{blocked} is not blocked, or www.example.org is, with the lists of {tree}.");
        }
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

    private static string FindUt1Copy()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "ut1");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Set CG_BENCH_UT1 to a UT1 tree (e.g. the one KEEP=1 bash bench/dns.sh leaves).");
    }

    private static string LastName(string tree)
    {
        foreach (var folder in new[] { "adult", "gambling" })
        {
            var path = Path.Combine(tree, folder, "domains");
            if (File.Exists(path))
            {
                return File.ReadLines(path).Last(line => line.Length > 0 && line[0] != '#').Trim();
            }
        }

        throw new InvalidOperationException($"{tree} has neither adult/domains nor gambling/domains: set CG_BENCH_BLOCKED.");
    }
}
