using System.Net;
using ClassroomGuard.Console.Tests.Support;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Tests.Kiosk;

/// <summary>A school with two rooms, a technician, and a classroom display credential for the first room.</summary>
internal static class KioskWorld
{
    public static async Task<(Room Room, Room Other, NewKioskCredential Display, UserAccount Technician)> ArrangeAsync(ConsoleFactory factory, string prefix)
    {
        var store = ConsoleSession.Store(factory);
        var site = (await store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault() ?? await store.Sites.CreateSiteAsync("Main", CancellationToken.None);
        var room = await store.Sites.CreateRoomAsync(site.Id, prefix + " room", CancellationToken.None);
        var other = await store.Sites.CreateRoomAsync(site.Id, prefix + " other", CancellationToken.None);
        var tech = await ConsoleSession.UserAsync(factory, prefix + ".tech", Role.Technician);
        var (outcome, issued) = await store.KioskCredentials.IssueAsync(room.Id, prefix + " display", tech.Id, CancellationToken.None);
        Assert.Equal(KioskIssueOutcome.Issued, outcome);
        return (room, other, issued!, tech);
    }

    /// <summary>Signs a display in as the kiosk does (a form post with the credential, no token), asserting it worked.</summary>
    public static async Task<ConsoleSession> SignInAsync(ConsoleFactory factory, string credential)
    {
        var session = ConsoleSession.Anonymous(factory);
        using var response = await session.PostRawAsync("/kiosk/sign-in", ("credential", credential));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"display sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return session;
    }
}
