using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class StateOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddStateStore(configuration).BuildServiceProvider();
    }

    [Theory]
    [InlineData("State:Path", "relative/state.db", "State:Path")]
    [InlineData("State:Path", "", "State:Path")]
    [InlineData("State:BusyTimeout", "00:20:00", "State:BusyTimeout")]
    [InlineData("State:RevisionPollInterval", "00:00:05", "State:RevisionPollInterval")]
    [InlineData("State:TimeZone", "Mars/Olympus_Mons", "State:TimeZone")]
    [InlineData("State:LockoutThreshold", "0", "State:LockoutThreshold")]
    [InlineData("State:TeacherActionRetentionDays", "0", "State:TeacherActionRetentionDays")]
    [InlineData("State:AlertRetentionDays", "-5", "State:AlertRetentionDays")]
    [InlineData("State:UnblockRequestRetentionDays", "99999", "State:UnblockRequestRetentionDays")]
    [InlineData("State:IncidentRetentionDays", "0", "State:IncidentRetentionDays")]
    [InlineData("State:IpHistoryRetentionDays", "0", "State:IpHistoryRetentionDays")]
    [InlineData("State:InactiveDeviceRetentionDays", "0", "State:InactiveDeviceRetentionDays")]
    public void AddStateStore_BadValue_ValidationFailsNamingSetting(string key, string value, string named)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StateOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddStateStore_BadValue_HostStartFails()
    {
        using var services = Build(new() { ["State:LockoutThreshold"] = "1000" });
        var startupValidator = services.GetServices<IHostedService>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            foreach (var hosted in startupValidator)
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            services.GetRequiredService<IStartupValidator>().Validate();
        });

        Assert.Contains("State:LockoutThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddStateStore_GoodConfiguration_OpensStoreAtConfiguredPathOnStart()
    {
        using var context = new StateTestContext();
        using var services = Build(new() { ["State:Path"] = context.DbPath, ["State:SingleApproverMode"] = "true" });

        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var store = services.GetRequiredService<StateStore>();
        Assert.Equal(context.DbPath, store.Path);
        Assert.True(services.GetRequiredService<IOptions<StateOptions>>().Value.SingleApproverMode);
        Assert.True(File.Exists(context.DbPath));
    }

    [Fact]
    public void StateOptions_Defaults_AreValid()
    {
        var options = new StateOptions();

        Assert.Equal("/var/lib/classroomguard/state.db", options.Path);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BusyTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RevisionPollInterval);
        Assert.False(options.SingleApproverMode);
        Assert.Equal("Europe/London", options.TimeZone);
        using var services = Build([]);
        Assert.Equal(options.Path, services.GetRequiredService<IOptions<StateOptions>>().Value.Path);
    }
}
