using System.Globalization;
using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Rooms;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Classroom;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Components;

/// <summary>The lesson focus panel rendered with the real LessonFocus service over a real state database.</summary>
public sealed class LessonFocusPanelTests : IAsyncLifetime
{
    private readonly RoomsTestWorld world = new();
    private readonly BunitContext bunit = new();

    public LessonFocusPanelTests()
    {
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(world.Store);
        bunit.Services.AddSingleton(world.Clock);
        bunit.Services.AddScoped<RoomAccess>();
        bunit.Services.AddScoped<LessonFocus>();
        bunit.Services.AddScoped<CurrentUser>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    public async Task DisposeAsync()
    {
        await bunit.DisposeAsync();
        world.Dispose();
    }

    [Fact]
    public async Task ActiveFocus_IsShownAndEndFocusEndsItAndRaisesChanged()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await SignedInTeacherOfAsync(lab);
        await world.Focus.StartAsync(teacher, lab.Id, null, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);
        var changed = 0;

        var panel = bunit.Render<LessonFocusPanel>(p => p.Add(x => x.RoomId, lab.Id).Add(x => x.Changed, () => changed++));

        panel.WaitForAssertion(() => Assert.Contains("only bbc.co.uk until", panel.Markup, StringComparison.Ordinal));
        Assert.Contains("The whole room", panel.Markup, StringComparison.Ordinal);
        await panel.Find("button[aria-label='End the focus on The whole room']").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.DoesNotContain("only bbc.co.uk until", panel.Markup, StringComparison.Ordinal));
        Assert.Equal(1, changed);
        Assert.DoesNotContain(await world.Store.TeacherActions.ActiveAtAsync(DateTimeOffset.UtcNow, lab.Id, RoomsTestWorld.Ct), a => a.Kind == TeacherActionKind.Focus);
    }

    [Fact]
    public async Task EndFocus_DatabaseFails_ShowsAnErrorSnackbarAndKeepsThePanel()
    {
        var (lab, _) = await world.RoomsAsync();
        var teacher = await SignedInTeacherOfAsync(lab);
        await world.Focus.StartAsync(teacher, lab.Id, null, null, "bbc.co.uk", 30, RoomsTestWorld.Ct);
        var panel = bunit.Render<LessonFocusPanel>(p => p.Add(x => x.RoomId, lab.Id));
        panel.WaitForAssertion(() => Assert.Contains("only bbc.co.uk until", panel.Markup, StringComparison.Ordinal));

        // The store's next read of teacher actions fails as a broken database would (a DbException).
        using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={world.Store.Path}"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "ALTER TABLE teacher_actions RENAME TO teacher_actions_gone";
            command.ExecuteNonQuery();
        }

        await panel.Find("button[aria-label='End the focus on The whole room']").ClickAsync(new());

        var snackbars = bunit.Services.GetRequiredService<MudBlazor.ISnackbar>();
        panel.WaitForAssertion(() => Assert.Contains(snackbars.ShownSnackbars,
            s => s.Message == "Could not end the focus: the appliance's database did not answer; try again."));
        Assert.Contains("only bbc.co.uk until", panel.Markup, StringComparison.Ordinal); // the circuit lives on
    }

    [Fact]
    public async Task NoSavedLists_SaysToTypeSites()
    {
        var (lab, _) = await world.RoomsAsync();
        await SignedInTeacherOfAsync(lab);

        var panel = bunit.Render<LessonFocusPanel>(p => p.Add(x => x.RoomId, lab.Id));

        panel.WaitForAssertion(() => Assert.Contains("No saved lists yet", panel.Markup, StringComparison.Ordinal));
        Assert.Contains("Start focus", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoomNotTheTeachers_PanelOffersNothing()
    {
        var (lab, art) = await world.RoomsAsync();
        await SignedInTeacherOfAsync(lab);

        var panel = bunit.Render<LessonFocusPanel>(p => p.Add(x => x.RoomId, art.Id));

        panel.WaitForAssertion(() => Assert.Contains("Lesson focus is not available for this room.", panel.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Start focus", panel.Markup, StringComparison.Ordinal);
    }

    private async Task<ConsoleUser> SignedInTeacherOfAsync(Room room)
    {
        var teacher = await world.UserAsync("panel.teacher", Role.Teacher);
        await world.Store.TeacherRooms.AssignAsync(teacher.Id, room.Id, RoomsTestWorld.Ct);
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(teacher.UserName);
        auth.SetRoles(nameof(Role.Teacher));
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, teacher.Id.ToString(CultureInfo.InvariantCulture)));
        return teacher;
    }
}
