using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// The pupil agent program as its own process (as on a pupil's device): enrols with the room's token, pins the
/// console's key (given up front, as a technician would from set-up's output), and blanks <see cref="XDisplay"/>.
/// </summary>
public sealed class PupilAgent : IAsyncDisposable
{
    private readonly ServiceProcess process;

    private PupilAgent(ServiceProcess process, Device device)
    {
        this.process = process;
        Device = device;
    }

    /// <summary>The device the agent enrolled as (its first MAC identifies it).</summary>
    public Device Device { get; }

    public string Mac => Device.Macs.FirstOrDefault() ?? throw new InvalidOperationException("the agent's device has no MAC (no network interface with one?)");

    public string Output => process.Output;

    public static async Task<PupilAgent> StartAsync(Appliance appliance, Classroom classroom, XDisplay display, string message = "Eyes on your teacher")
    {
        var state = Path.Combine(appliance.Root, "agent-" + classroom.Room.Id, "agent.json");
        var process = ServiceProcess.StartDotnet("ClassroomGuard.Agent.dll",
        [
            "--Agent:ConsoleUrl=" + appliance.ConsoleUrl.ToString().TrimEnd('/'),
            "--Agent:EnrolmentToken=" + classroom.EnrolmentToken,
            "--Agent:ExpectedConsolePin=" + appliance.Certificate.Pin,
            "--Agent:StatePath=" + state,
            "--Agent:Display=" + display.Name,
            "--Agent:BlankMessage=" + message,
        ], new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Information" });
        try
        {
            Device? device = null;
            await process.WaitUntilAsync(async () =>
            {
                device = File.Exists(state) ? (await appliance.Store.Devices.ListAsync(classroom.Room.Id, CancellationToken.None)).FirstOrDefault() : null;
                return device is not null;
            }, "enrolled", TimeSpan.FromSeconds(30));
            return new PupilAgent(process, device!);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
