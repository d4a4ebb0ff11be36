using System.Globalization;
using System.Security.Claims;
using Bunit;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Components.Pages.Administration.Devices;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Console.Tests.Classroom;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace ClassroomGuard.Console.Tests.Components;

/// <summary>The Devices page's "Reset agent" button: only for a device with an agent, only for technicians and administrators.</summary>
public sealed class ResetAgentButtonTests : IAsyncLifetime
{
    private readonly RoomsTestWorld world = new();
    private readonly BunitContext bunit = new();

    public ResetAgentButtonTests()
    {
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddSingleton(world.Store);
        bunit.Services.AddSingleton(new AgentReset(world.Store, NullLogger<AgentReset>.Instance));
        bunit.Services.AddScoped<CurrentUser>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await bunit.DisposeAsync();
        world.Dispose();
    }

    [Theory]
    [InlineData(Role.Technician, true, true)]
    [InlineData(Role.Administrator, true, true)]
    [InlineData(Role.Technician, false, false)]
    [InlineData(Role.Teacher, true, false)]
    public async Task Button_ShownOnlyForAgentAndAdministration(Role role, bool enrolled, bool shown)
    {
        var device = await world.Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Agent, "02:00:00:00:0b:01", "10.11.0.1", "pc-1"), RoomsTestWorld.Ct);
        if (enrolled)
        {
            await world.Store.AgentCredentials.IssueAsync(device, null, RoomsTestWorld.Ct);
        }

        await SignInAsync(role);

        var button = bunit.Render<ResetAgentButton>(p => p.Add(x => x.DeviceId, device).Add(x => x.DeviceName, "pc-1"));

        button.WaitForAssertion(() => Assert.Equal(shown, button.Markup.Contains("Reset agent", StringComparison.Ordinal)));
    }

    private async Task SignInAsync(Role role)
    {
        var user = await world.UserAsync("u." + role.ToString().ToLowerInvariant(), role);
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(user.UserName);
        auth.SetRoles(role.ToString());
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)));
    }
}
