using System.Collections.Concurrent;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Safeguarding.Incidents;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>A clock the test sets.</summary>
internal sealed class IncidentClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Keeps what was logged, so a test can check a refusal is in the log.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(EventId Id, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Enqueue((eventId, formatter(state, exception)));
}

/// <summary>
/// A real state database in a temporary folder, the incident service and the evidence copier over it, on a clock the
/// test sets; InfluxDB at the given address (a real influxd for the copier's tests; nothing listening otherwise).
/// </summary>
internal sealed class IncidentWorld : IAsyncDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cg-incidents-").FullName;
    private readonly InfluxConnection connection;

    public IncidentWorld(DateTimeOffset now, Uri? influx = null, string database = "classroomguard", Action<IncidentOptions>? configure = null)
    {
        Clock = new IncidentClock(now);
        Store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db") }, Clock);
        InfluxOptions = new InfluxOptions
        {
            Url = influx ?? new Uri("http://127.0.0.1:9/"), Database = database, RequestTimeout = TimeSpan.FromSeconds(5), SpoolDirectory = Path.Combine(root, "spool"),
        };
        Options = new IncidentOptions();
        configure?.Invoke(Options);
        connection = new InfluxConnection(Microsoft.Extensions.Options.Options.Create(InfluxOptions));
        var state = Microsoft.Extensions.Options.Options.Create(new StateOptions());
        var clock = new SchoolClock(state, Clock);
        Copier = new EvidenceCopier(Store, new InfluxReader(connection, Microsoft.Extensions.Options.Options.Create(InfluxOptions)), Microsoft.Extensions.Options.Options.Create(InfluxOptions),
            Microsoft.Extensions.Options.Options.Create(Options), clock, Clock, NullLogger<EvidenceCopier>.Instance);
        Service = new IncidentService(Store, new RoomAccess(Store), clock, Copier, Microsoft.Extensions.Options.Options.Create(Options), state, Logger);
    }

    public IncidentClock Clock { get; }

    public StateStore Store { get; }

    public InfluxOptions InfluxOptions { get; }

    public IncidentOptions Options { get; }

    public EvidenceCopier Copier { get; }

    public IncidentService Service { get; }

    public ListLogger<IncidentService> Logger { get; } = new();

    public static CancellationToken Ct => CancellationToken.None;

    public async Task<Room> RoomAsync(string name)
    {
        var site = (await Store.Sites.ListSitesAsync(Ct)).FirstOrDefault() ?? await Store.Sites.CreateSiteAsync("Main", Ct);
        return await Store.Sites.CreateRoomAsync(site.Id, name, Ct);
    }

    public async Task<ConsoleUser> UserAsync(string name, params Role[] roles)
    {
        var (_, account) = await Store.Users.CreateUserAsync(name, name + " Name", roles, "correct horse battery staple", Ct);
        return ConsoleUser.From(ConsoleUser.CreatePrincipal(account!, DateTimeOffset.UtcNow))!;
    }

    public async Task<ConsoleUser> TeacherOfAsync(Room room, string name)
    {
        var teacher = await UserAsync(name, Role.Teacher);
        await Store.TeacherRooms.AssignAsync(teacher.Id, room.Id, Ct);
        return teacher;
    }

    public async Task<long> DeviceAsync(Room room, string host, string mac, string? pupil = null)
    {
        var id = await Store.Devices.ObserveAsync(new DeviceObservation(Clock.Now, DeviceSource.Agent, mac, null, host, pupil), Ct);
        await Store.Devices.SetRoomAsync(id, room.Id, Ct);
        return id;
    }

    /// <summary>The device's tile as the live view would show it.</summary>
    public static DeviceTile Tile(long id, string name, string? pupil = null, string? site = null, string? category = null, BlockedAttempt? blocked = null)
        => new(id, name, pupil, true, null, site, category, blocked, null, null, [], [], "", "");

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        connection.Dispose();
        await Task.Yield();
        Directory.Delete(root, recursive: true);
    }
}
