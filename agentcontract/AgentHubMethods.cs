namespace ClassroomGuard.AgentContract;

/// <summary>The agent hub's method names (SignalR invocation targets), in both directions.</summary>
public static class AgentHubMethods
{
    /// <summary>Agent → console: one argument, an <see cref="AgentHeartbeat"/>.</summary>
    public const string Heartbeat = "Heartbeat";

    /// <summary>Console → agent: the arguments of a <see cref="BlankCommand"/> (message, expiry).</summary>
    public const string Blank = "Blank";

    /// <summary>Console → agent: no arguments.</summary>
    public const string Unblank = "Unblank";
}
