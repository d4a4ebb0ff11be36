using ClassroomGuard.DnsFilter.Events;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.DnsFilter.Policy;
using ClassroomGuard.Dns.Protocol;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Tests.Policy.Support;

/// <summary>A clock the test sets by hand (the state store and the policy read it).</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// A real state database (seeded groups and categories, changed only through change control by two users) and
/// generated lists, compiled the way the service compiles them.
/// </summary>
public sealed class PolicyWorld : IDisposable
{
    public static readonly (string Name, string Categories)[] ListedNames =
    [
        ("csam.test", "child_abuse"),
        ("terror.test", "terrorism"),
        ("adult.test", "adult"),
        ("games.test", "games"),
        ("social.test", "social_networking"),
        ("doh.test", "doh,circumvention"),
        ("selfharm.test", "self_harm"),
    ];

    private readonly string _directory;

    public PolicyWorld(DateTimeOffset? start = null, DnsPolicyOptions? options = null)
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("cg-policy-").FullName;
        Clock = new FakeClock(start ?? new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        StateOptions = new StateOptions { Path = Path.Combine(_directory, "state.db"), RevisionPollInterval = TimeSpan.FromMilliseconds(50) };
        Store = StateStore.Open(StateOptions, Clock);
        Options = options ?? new DnsPolicyOptions();
        Lists = BuildLists();
        SafeSearch = new SafeSearchNames(Options);
        var ct = CancellationToken.None;
        Technician = Store.Users.CreateUserAsync("tech", "Technician", [Role.Technician], "correct horse battery", ct).GetAwaiter().GetResult().User!.Id;
        Administrator = Store.Users.CreateUserAsync("admin", "Administrator", [Role.Administrator], "correct horse battery", ct).GetAwaiter().GetResult().User!.Id;
        Teacher = Store.Users.CreateUserAsync("teacher", "Teacher", [Role.Teacher], "correct horse battery", ct).GetAwaiter().GetResult().User!.Id;
    }

    public FakeClock Clock { get; }

    public StateOptions StateOptions { get; }

    public StateStore Store { get; }

    public DnsPolicyOptions Options { get; }

    public LoadedLists Lists { get; }

    public SafeSearchNames SafeSearch { get; }

    public long Technician { get; }

    public long Administrator { get; }

    public long Teacher { get; }

    public string Directory => _directory;

    public static LoadedLists BuildLists()
    {
        var categories = new CategoryMap();
        var builder = new HashedDomainTableBuilder();
        foreach (var (name, keys) in ListedNames)
        {
            ulong mask = 0;
            foreach (var key in keys.Split(','))
            {
                mask |= categories.GetOrAdd(key);
            }

            builder.Add(name, mask);
        }

        return new LoadedLists(builder.Build(), categories, [], TimeSpan.Zero);
    }

    /// <summary>Proposes (technician) and approves (administrator) a change; returns the approval result.</summary>
    public async Task<ChangeResult> ChangeAsync(PolicyChange change)
    {
        var proposed = await Store.ChangeControl.ProposeAsync(Technician, change, "test", CancellationToken.None);
        if (!proposed.Succeeded)
        {
            return proposed;
        }

        return await Store.ChangeControl.ApproveAsync(Administrator, proposed.Entry!.Sequence, "ok", CancellationToken.None);
    }

    public async Task MustChangeAsync(PolicyChange change)
    {
        var result = await ChangeAsync(change);
        Assert.True(result.Succeeded, $"{change}: {result.Refusal} {result.Detail}");
    }

    public async Task<CompiledPolicy> CompileAsync()
        => CompiledPolicy.Compile(await Store.Policy.GetSnapshotAsync(CancellationToken.None), Lists, Options, SafeSearch);

    public async Task<long> AddDeviceAsync(string ip, string mac)
        => await Store.Devices.ObserveAsync(new DeviceObservation(Clock.GetUtcNow(), DeviceSource.Manual, mac, ip), CancellationToken.None);

    public SchoolDnsPolicy CreatePolicy(PolicyCounters? counters = null)
    {
        counters ??= new PolicyCounters();
        return new SchoolDnsPolicy(Microsoft.Extensions.Options.Options.Create(Options), new DnsActivity(Microsoft.Extensions.Options.Options.Create(Options), counters), counters, Clock);
    }

    public static byte[] Wire(string name) => DnsName.FromText(name);

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
        }
    }
}
