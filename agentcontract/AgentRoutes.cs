namespace ClassroomGuard.AgentContract;

/// <summary>The console's paths the agent reaches.</summary>
public static class AgentRoutes
{
    /// <summary>Enrolment: <c>POST</c> an <see cref="EnrolmentRequest"/>, answered with an <see cref="EnrolmentAnswer"/>.</summary>
    public const string Enrol = "/api/agents/enrol";

    /// <summary>The agent hub (SignalR, JSON hub protocol), reached by WebSocket with the agent credential.</summary>
    public const string Hub = "/hubs/agent";
}
