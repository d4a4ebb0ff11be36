using ClassroomGuard.Console.Agents;
using ClassroomGuard.Console.Tests.Classroom;

namespace ClassroomGuard.Console.Tests.Agents;

/// <summary>What each device's agents were last told, which decides whether the push service sends again.</summary>
public sealed class AgentBlankStateTests : IDisposable
{
    private readonly RoomsTestWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public void Record_SameStateTwice_SentOnce()
    {
        var state = new AgentBlankState(world.Store, TimeProvider.System);
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        state.Connected("first", 7);

        Assert.True(state.Record(7, until));
        Assert.False(state.Record(7, until));
        Assert.True(state.Record(7, null));
    }

    [Fact]
    public void Connected_NewConnectionOfADeviceAlreadyTold_IsToldAgain()
    {
        // A reconnecting agent must be told the blank in force even though its device's earlier connection was told it.
        var state = new AgentBlankState(world.Store, TimeProvider.System);
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        state.Connected("first", 7);
        Assert.True(state.Record(7, until));

        state.Connected("second", 7);

        Assert.True(state.Record(7, until));
        Assert.Equal([7L], state.ConnectedDevices);
    }
}
