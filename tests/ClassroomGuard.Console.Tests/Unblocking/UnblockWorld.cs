using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Unblocking;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Unblocking;

/// <summary>A clock the test sets.</summary>
internal sealed class SetClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// A real state database in a temporary folder on a clock the test sets (Monday 23 November 2026, 10:00 in London, which
/// is UTC then), two rooms with their teachers, and the unblock services over it. School day ends at 16:00; a lesson is an hour.
/// </summary>
internal sealed class UnblockWorld : IDisposable
{
    public static readonly DateTimeOffset TenOClock = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly string root = Directory.CreateTempSubdirectory("cg-unblock-").FullName;

    public UnblockWorld()
    {
        Store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db") }, Clock);
        Times = new UnblockTimes(Options.Create(new StateOptions()), Options.Create(new ClassroomOptions()), Clock);
        Feed = new UnblockFeed(Store, Times, NullLogger<UnblockFeed>.Instance);
        Service = new UnblockService(Store, new RoomAccess(Store), Times, Feed, NullLogger<UnblockService>.Instance);
    }

    public SetClock Clock { get; } = new(TenOClock);

    public StateStore Store { get; }

    public UnblockTimes Times { get; }

    public UnblockFeed Feed { get; }

    public UnblockService Service { get; }

    public static CancellationToken Ct => CancellationToken.None;

    public async Task<(Room Lab, Room Art)> RoomsAsync()
    {
        var site = await Store.Sites.CreateSiteAsync("Main", Ct);
        return (await Store.Sites.CreateRoomAsync(site.Id, "Lab 1", Ct), await Store.Sites.CreateRoomAsync(site.Id, "Art room", Ct));
    }

    public async Task<ConsoleUser> UserAsync(string name, params Role[] roles)
    {
        var (_, account) = await Store.Users.CreateUserAsync(name, DisplayName(name), roles, "correct horse battery staple", Ct);
        return ConsoleUser.From(ConsoleUser.CreatePrincipal(account!, DateTimeOffset.UtcNow))!;
    }

    public async Task<ConsoleUser> TeacherOfAsync(Room room, string name)
    {
        var teacher = await UserAsync(name, Role.Teacher);
        await Store.TeacherRooms.AssignAsync(teacher.Id, room.Id, Ct);
        return teacher;
    }

    public async Task<long> DeviceAsync(string mac, string ip, long roomId, string host)
    {
        var id = await Store.Devices.ObserveAsync(new DeviceObservation(Clock.Now, DeviceSource.Sniffer, mac, ip, host), Ct);
        await Store.Devices.SetRoomAsync(id, roomId, Ct);
        return id;
    }

    public static string DisplayName(string name) => name switch
    {
        "dsl" => "Mrs Patel",
        "t.lab" => "Ms Okafor",
        _ => name + " Name",
    };

    public static UnblockAsk Ask(string? domain = "poki.com", string? reason = "Maths game on ratios", long? device = null, bool forLesson = true, string? until = null)
        => new() { Domain = domain, Reason = reason, DeviceId = device, ForLesson = forLesson, Until = until };

    public void Dispose()
    {
        Feed.Dispose();
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}
