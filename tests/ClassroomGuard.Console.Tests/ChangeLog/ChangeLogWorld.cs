using Bunit;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.ChangeLog;
using ClassroomGuard.Console.Tests.Administration;
using ClassroomGuard.Storage.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.ChangeLog;

/// <summary>
/// A school with a real state database (<see cref="AdminTestContext"/>), two technicians, a governor and a teacher, and
/// the change-control services over it; helpers to write changes and to tamper with the log as an intruder would.
/// </summary>
internal sealed class ChangeLogWorld : IDisposable
{
    private ChangeLogWorld(AdminTestContext school) => School = school;

    public AdminTestContext School { get; }

    public StateStore Store => School.Store;

    public UserAccount Sam { get; private set; } = default!;

    public UserAccount Kim { get; private set; } = default!;

    public UserAccount Governor { get; private set; } = default!;

    public UserAccount Teacher { get; private set; } = default!;

    public ChangeLogService Service => new(Store, Options.Create(School.StateOptions), Options.Create(new ChangeControlOptions()), TimeProvider.System);

    public static CancellationToken Token => CancellationToken.None;

    public static async Task<ChangeLogWorld> CreateAsync()
    {
        var world = new ChangeLogWorld(new AdminTestContext());
        world.Sam = await world.School.UserAsync("sam.tech", "Sam Technician", Role.Technician);
        world.Kim = await world.School.UserAsync("kim.tech", "Kim Technician", Role.Technician);
        world.Governor = await world.School.UserAsync("gill.governor", "Gill Governor", Role.Governor);
        world.Teacher = await world.School.UserAsync("tess.teacher", "Tess Teacher", Role.Teacher);
        return world;
    }

    /// <summary>Sam proposes, Kim approves: "Block Games for the group Pupils: Key Stage 3".</summary>
    public async Task<long> ApprovedAsync(PolicyChange change, string reason)
    {
        var proposed = await Store.ChangeControl.ProposeAsync(Sam.Id, change, reason, Token);
        Assert.True(proposed.Succeeded, proposed.Detail);
        var approved = await Store.ChangeControl.ApproveAsync(Kim.Id, proposed.Entry!.ChangeId, "Agreed at the e-safety meeting", Token);
        Assert.True(approved.Succeeded, approved.Detail);
        return proposed.Entry.ChangeId;
    }

    public async Task<long> ProposedAsync(PolicyChange change, string reason)
    {
        var proposed = await Store.ChangeControl.ProposeAsync(Sam.Id, change, reason, Token);
        Assert.True(proposed.Succeeded, proposed.Detail);
        return proposed.Entry!.ChangeId;
    }

    /// <summary>Edits a log row the way someone with the database file could: drop the append-only trigger, then UPDATE.</summary>
    public void Tamper(string update)
    {
        using var connection = new SqliteConnection($"Data Source={School.StateOptions.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS change_log_no_update; " + update;
        command.ExecuteNonQuery();
    }

    /// <summary>A bUnit context with the administration and change-control services, signed in as <paramref name="user"/>.</summary>
    public BunitContext Components(UserAccount user)
    {
        var context = School.Components(user);
        context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        context.Services.AddChangeLog();
        return context;
    }

    public static ClassroomGuard.Console.Security.ConsoleUser Actor(UserAccount user) => AdminTestContext.Actor(user);

    public void Dispose() => School.Dispose();
}
