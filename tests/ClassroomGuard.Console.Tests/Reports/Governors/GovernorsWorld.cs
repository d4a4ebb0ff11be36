using Bunit;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Policy.Why;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Governors;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Tests.Safeguarding;
using ClassroomGuard.Storage.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Reports.Governors;

/// <summary>
/// A school for the governors' report: a real state database in a temporary folder on a clock the test moves, staff
/// with real-looking names, and the reader over it. The DNS filter's control socket is a path in the folder: absent
/// (the filter "not running") unless a test answers on it. Every name, address and typed text planted here is one the
/// report must never print (<see cref="Planted"/>).
/// </summary>
internal sealed class GovernorsWorld : IDisposable
{
    public const string School = "Whitmore Park Primary";

    private readonly string root = Directory.CreateTempSubdirectory("cg-governors-").FullName;

    public GovernorsWorld(DateTimeOffset now)
    {
        Clock = new IncidentClock(now);
        StateOptions = new StateOptions { Path = Path.Combine(root, "state.db"), TimeZone = "Europe/London" };
        Store = StateStore.Open(StateOptions, Clock);
        SocketPath = Path.Combine(root, "control.sock");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dns:ControlSocket"] = SocketPath }).Build();
        Reader = new GovernorsReportReader(
            Store,
            new DnsFilterClient(configuration, NullLogger<DnsFilterClient>.Instance),
            new AlertSeverities(Options.Create(new SafeguardingOptions())),
            Options.Create(new ReportOptions { SchoolName = School }),
            Options.Create(StateOptions),
            Clock,
            NullLogger<GovernorsReportReader>.Instance);
        Service = new GovernorsReportService(Reader, Store, Clock, NullLogger<GovernorsReportService>.Instance);
    }

    /// <summary>Staff names, pupils, devices, addresses, rooms and typed text put into the state: none may reach the report.</summary>
    public List<string> Planted { get; } = [];

    public IncidentClock Clock { get; }

    public StateOptions StateOptions { get; }

    public StateStore Store { get; }

    public string SocketPath { get; }

    public GovernorsReportReader Reader { get; }

    public GovernorsReportService Service { get; }

    public static CancellationToken Token => CancellationToken.None;

    public async Task<UserAccount> UserAsync(string userName, string displayName, params Role[] roles)
    {
        var (outcome, user) = await Store.Users.CreateUserAsync(userName, displayName, roles, "kettle umbrella marmalade", mustChangePassword: false, Token);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        Planted.Add(displayName);
        Planted.Add(userName);
        return user!;
    }

    /// <summary>Proposes <paramref name="change"/> as <paramref name="by"/> at the clock's time; a reason that names people.</summary>
    public async Task<long> ProposeAsync(UserAccount by, PolicyChange change, string reason)
    {
        Planted.Add(reason);
        var result = await Store.ChangeControl.ProposeAsync(by.Id, change, reason, Token);
        Assert.True(result.Succeeded, result.Detail);
        return result.Entry!.ChangeId;
    }

    public async Task ApproveAsync(UserAccount by, long changeId, string comment)
    {
        Planted.Add(comment);
        var result = await Store.ChangeControl.ApproveAsync(by.Id, changeId, comment, Token);
        Assert.True(result.Succeeded, result.Detail);
    }

    public async Task RejectAsync(UserAccount by, long changeId, string reason)
    {
        Planted.Add(reason);
        var result = await Store.ChangeControl.RejectAsync(by.Id, changeId, reason, Token);
        Assert.True(result.Succeeded, result.Detail);
    }

    /// <summary>A device seen by the sniffer with its host name, MAC and address (all planted).</summary>
    public async Task<long> DeviceAsync(string hostname, string mac, string ip)
    {
        Planted.AddRange([hostname, mac, ip]);
        return await Store.Devices.ObserveAsync(new DeviceObservation(Clock.GetUtcNow(), DeviceSource.Sniffer, mac, ip, hostname), Token);
    }

    /// <summary>Edits the log as someone with the database file could: drop the append-only trigger, then UPDATE.</summary>
    public void Tamper(string update)
    {
        using var connection = new SqliteConnection($"Data Source={StateOptions.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS change_log_no_update; " + update;
        command.ExecuteNonQuery();
    }

    /// <summary>The view rendered as the page and the PDF render it, with the console's public address for printed links.</summary>
    public static string Render(GovernorsReport report, bool print = false)
    {
        using var context = new BunitContext();
        context.Services.AddSingleton(Options.Create(new ConsoleOptions { PublicUrl = "https://guard.whitmore.example" }));
        var view = context.Render<ClassroomGuard.Console.Components.Pages.Reports.Governors.GovernorsReportView>(p => p
            .Add(v => v.Report, report)
            .Add(v => v.Print, print));
        return view.Markup;
    }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a finishing thread: a temp folder left behind is harmless.
        }
    }
}
