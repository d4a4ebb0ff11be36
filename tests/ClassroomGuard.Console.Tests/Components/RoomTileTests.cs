using Bunit;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Components.Pages.Rooms;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Components;

/// <summary>One device's tile rendered on its own: states in words, the right buttons, a click says what to do to which device.</summary>
public sealed class RoomTileTests
{
    private static readonly long Until = new DateTimeOffset(2026, 11, 23, 10, 45, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static BunitContext Context()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<IOptions<StateOptions>>(Options.Create(new StateOptions { Path = "unused", TimeZone = "Europe/London" }));
        context.Services.AddSingleton<SchoolClock>();
        return context;
    }

    [Fact]
    public async Task Render_OnlineDeviceWithSiteAndBlock_ShowsThemInWordsWithBlankAndPauseButtons()
    {
        var tile = Tile() with
        {
            Site = "www.bbc.co.uk",
            Category = "news",
            LastBlocked = new BlockedAttempt("poki.com", "games", "Category", Until),
        };

        await using var context = Context();
        var cut = context.Render<RoomTile>(p => p.Add(t => t.Tile, tile).Add(t => t.Updated, 1234).Add(t => t.HasAlert, true));

        var root = cut.Find("[data-device-id='7']");
        Assert.Equal("true", root.GetAttribute("data-online"));
        Assert.Equal("false", root.GetAttribute("data-blanked"));
        Assert.Equal("true", root.GetAttribute("data-alert"));
        Assert.Equal("1234", root.GetAttribute("data-updated"));
        Assert.Equal("PC-07", cut.Find(".tile-name").TextContent);
        Assert.Equal("Alice Example", cut.Find(".tile-pupil").TextContent);
        Assert.Contains("Online", cut.Find(".tile-online").TextContent, StringComparison.Ordinal);
        Assert.Equal("www.bbc.co.uk", cut.Find(".tile-site").TextContent);
        Assert.Equal("news", cut.Find(".tile-category").TextContent);
        Assert.Equal("Blocked: poki.com (games) 10:45", cut.Find(".tile-last-blocked").TextContent);
        Assert.Equal("1,2 3,4", cut.Find(".spark-queries").GetAttribute("points"));
        Assert.NotNull(cut.Find("button[data-action=blank]"));
        Assert.NotNull(cut.Find("button[data-action=pause]"));
        Assert.Empty(cut.FindAll("button[data-action=unblank], button[data-action=resume]"));
        Assert.Equal("Blank the screen of PC-07", cut.Find("button[data-action=blank]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Render_OfflineBlankedAndPausedByTheRoom_SaysSoAndOffersUnblankAndResume()
    {
        var tile = Tile() with { Online = false, Blank = new ActionState("room", Until), Pause = new ActionState("device", Until) };

        await using var context = Context();
        var cut = context.Render<RoomTile>(p => p.Add(t => t.Tile, tile));

        Assert.Contains("Offline", cut.Find(".tile-online").TextContent, StringComparison.Ordinal);
        Assert.Equal("Not seen lately", cut.Find(".tile-quiet").TextContent);
        Assert.Contains("Blanked (whole room) until 10:45", cut.Find(".tile-blank-state").TextContent, StringComparison.Ordinal);
        Assert.Contains("Paused until 10:45", cut.Find(".tile-pause-state").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("[data-device-id]").GetAttribute("data-blanked"));
        Assert.NotNull(cut.Find("button[data-action=unblank]"));
        Assert.NotNull(cut.Find("button[data-action=resume]"));
        Assert.Empty(cut.FindAll("button[data-action=blank], button[data-action=pause]"));
    }

    [Theory]
    [InlineData("blank", ClassroomCommand.Blank)]
    [InlineData("pause", ClassroomCommand.Pause)]
    public async Task Click_Button_AsksThePageForThatCommandOnThatDevice(string action, ClassroomCommand expected)
    {
        TileCommand? asked = null;
        await using var context = Context();
        var cut = context.Render<RoomTile>(p => p.Add(t => t.Tile, Tile()).Add(t => t.OnCommand, (TileCommand c) => asked = c));

        cut.Find($"button[data-action={action}]").Click();

        Assert.NotNull(asked);
        Assert.Equal(expected, asked.Command);
        Assert.Equal(7, asked.Tile.Id);
    }

    [Fact]
    public async Task Render_Busy_ButtonsWait()
    {
        await using var context = Context();
        var cut = context.Render<RoomTile>(p => p.Add(t => t.Tile, Tile()).Add(t => t.Busy, true));

        Assert.All(cut.FindAll(".tile-actions button"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public async Task Render_OnlyAnInferredName_ShownAsProbablyNeverAsTheSite()
    {
        await using var context = Context();
        var cut = context.Render<RoomTile>(p => p.Add(t => t.Tile, Tile() with { ProbableSite = "adult-videos.example" }));

        Assert.Equal("", cut.Find(".tile-site").TextContent);
        Assert.Equal("Probably adult-videos.example (from this device's own DNS look-up)", cut.Find(".tile-probable").TextContent);
        Assert.Empty(cut.FindAll(".tile-quiet"));
    }

    private static DeviceTile Tile() => new(7, "PC-07", "Alice Example", true, null, null, null, null, null, null, [1, 2], [0, 0], "1,2 3,4", "0,31 120,31");
}
