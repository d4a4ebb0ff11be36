using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Classroom;

/// <summary>A real state database in a temporary folder with a site, two rooms, users of every role and the rooms' services over it.</summary>
internal sealed class RoomsTestWorld : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cg-rooms-").FullName;

    public RoomsTestWorld(TimeSpan? lessonLength = null)
    {
        Store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db") });
        Access = new RoomAccess(Store);
        Clock = new SchoolClock(Options.Create(new StateOptions()), TimeProvider.System);
        Focus = new LessonFocus(Store, Access, Clock, Options.Create(new ClassroomGuard.Console.Unblocking.ClassroomOptions { LessonLength = lessonLength ?? TimeSpan.FromHours(1) }), NullLogger<LessonFocus>.Instance);
    }

    public StateStore Store { get; }

    public RoomAccess Access { get; }

    public SchoolClock Clock { get; }

    public LessonFocus Focus { get; }

    public static CancellationToken Ct => CancellationToken.None;

    public async Task<(Room Lab, Room Art)> RoomsAsync()
    {
        var site = await Store.Sites.CreateSiteAsync("Main", Ct);
        return (await Store.Sites.CreateRoomAsync(site.Id, "Lab 1", Ct), await Store.Sites.CreateRoomAsync(site.Id, "Art room", Ct));
    }

    public async Task<ConsoleUser> UserAsync(string name, params Role[] roles)
    {
        var (_, account) = await Store.Users.CreateUserAsync(name, name + " Name", roles, "correct horse battery staple", Ct);
        return ConsoleUser.From(ConsoleUser.CreatePrincipal(account!, DateTimeOffset.UtcNow))!;
    }

    public async Task<long> DeviceAsync(string mac, string ip, long roomId)
    {
        var id = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, mac, ip, "pc-" + ip), Ct);
        await Store.Devices.SetRoomAsync(id, roomId, Ct);
        return id;
    }

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}
