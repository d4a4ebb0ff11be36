using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Decoding;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Tests.Support;

/// <summary>
/// The detector behind a real <see cref="PacketDecoder"/>, fed hand-built frames; the attempts it queues are read back.
/// The appliance is <see cref="Appliance"/>; the UT1 lists are a small tree made per test (or the real snapshot).
/// </summary>
internal sealed class CircumventionHarness : IDisposable
{
    public const string Appliance = "10.213.0.1";

    private readonly PacketDecoder _decoder;
    private readonly DirectoryInfo? _lists;

    public CircumventionHarness(CircumventionOptions? options = null, string? ut1Root = null)
    {
        Options = options ?? new CircumventionOptions { ApplianceAddresses = [Appliance] };
        if (ut1Root is null && Options.Ut1Directory == CircumventionOptions.DefaultUt1Directory)
        {
            _lists = SmallUt1();
            ut1Root = _lists.FullName;
        }

        var errors = new List<string>();
        var rules = AddressRules.TryCreate(Options, errors) ?? throw new InvalidOperationException(string.Join(" ", errors));
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Queue = new CircumventionQueue(wrapped);
        Detector = new CircumventionDetector(rules, ut1Root is null ? ServiceLists.Empty : ServiceLists.Load(ut1Root), wrapped, Queue);
        _decoder = new PacketDecoder(Detector);
    }

    public CircumventionOptions Options { get; }

    public CircumventionQueue Queue { get; }

    public CircumventionDetector Detector { get; }

    public DecoderStatistics DecoderStatistics => _decoder.Statistics;

    /// <summary>The real UT1 snapshot beside the repository (../shared/data/ut1), as CI and set-up have it.</summary>
    public static string RealUt1Root
    {
        get => RepositoryRoot.TryFind() is { } repository
            ? Path.GetFullPath(Path.Combine(repository, "..", "shared", "data", "ut1"))
            : "/work/shared/data/ut1";
    }

    /// <summary>Decodes one Ethernet frame captured at <paramref name="seconds"/>.</summary>
    public void Feed(byte[] frame, double seconds = 1_000_000)
    {
        _decoder.Decode(LinkType.Ethernet, (long)(seconds * 1_000_000), frame.Length, frame);
    }

    /// <summary>The attempts queued so far (taken off the queue).</summary>
    public List<CircumventionAttempt> Drain()
    {
        var list = new List<CircumventionAttempt>();
        while (Queue.Reader.TryRead(out var attempt))
        {
            list.Add(attempt);
        }

        return list;
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _lists?.Delete(recursive: true);
    }

    /// <summary>A UT1 tree with a few names, the proxy folder as UT1 ships it (a file naming redirector).</summary>
    public static DirectoryInfo SmallUt1()
    {
        var root = Directory.CreateTempSubdirectory("cg-ut1-");
        Write(root, "doh", "dns.google\ncloudflare-dns.com\n8.8.8.8\n");
        Write(root, "vpn", "nordvpn.com\n# comment\n");
        Write(root, "redirector", "hidemyass.com\nproxysite.example\n");
        Write(root, "gambling", "dns.example.bet\n");
        File.WriteAllText(Path.Combine(root.FullName, "proxy"), "redirector\n");
        return root;
    }

    private static void Write(DirectoryInfo root, string folder, string names)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root.FullName, folder));
        File.WriteAllText(Path.Combine(dir.FullName, "domains"), names);
    }
}
