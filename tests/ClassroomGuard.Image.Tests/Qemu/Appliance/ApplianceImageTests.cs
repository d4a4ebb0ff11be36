using System.Net;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>
/// The appliance image as a school's PC boots it, under qemu: the first boot's banner and password, the console over
/// HTTPS, the DNS filter, the services' users and capabilities, a crash of the DNS filter, and a reboot. The tests share
/// one booted machine (<see cref="FirstBootedAppliance"/>), each leaving it working.
/// </summary>
[Collection(BootedImagesCollection.Name)]
public sealed partial class ApplianceImageTests(BuiltImages images, FirstBootedAppliance appliance, ITestOutputHelper testOutput)
    : IClassFixture<FirstBootedAppliance>
{
    private readonly LiveLog output = new(testOutput);

    [BootFact]
    public Task FirstBoot_ShowsAddressAndPasswordOnce_ConsoleAnswersHttps_AndThePasswordSignsIn() => appliance.RunAsync(images, output, async vm =>
    {
        output.WriteLine($"banner: console at https://{appliance.Address}:8443/, password of {appliance.Password.Length} characters");
        Assert.True(appliance.Password.Length >= 16, $"the first password has only {appliance.Password.Length} characters");
        Assert.Single(ApplianceBanner.PasswordLine().Matches(appliance.FirstBootSerial).Select(m => m.Value).Distinct());
        Assert.DoesNotMatch(ApplianceBanner.HealthLine(), appliance.FirstBootSerial);

        var (status, health) = await appliance.Console.HealthAsync(Acceleration.Scaled(TimeSpan.FromMinutes(3)));
        output.WriteLine($"/healthz {(int)status}: {health.RootElement}");
        var checks = health.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("state").GetString());
        Assert.Equal("Healthy", checks.GetProperty("timeseries").GetString());

        // The password from the screen signs in, and the console asks for a new one first; a wrong one does not.
        Assert.Equal("/account/password", await appliance.Console.SignInAsync("admin", appliance.Password));
        Assert.Null(await appliance.Console.SignInAsync("admin", appliance.Password + "x"));
    });

    [BootFact]
    public Task DnsFilter_ThroughTheForwardedPort_CanaryIsNxdomain_AndUt1GamblingIsBlocked() => appliance.RunAsync(images, output, async vm =>
    {
        await ForwardedDns.WaitUntilAnsweringAsync(vm.DnsPort, Acceleration.Scaled(TimeSpan.FromMinutes(2)));

        // Firefox's canary: NXDOMAIN keeps its DNS-over-HTTPS off, so the filter stays in the path.
        var canary = await ForwardedDns.DigAsync(vm.DnsPort, "use-application-dns.net");
        output.WriteLine(canary);
        Assert.Contains("status: NXDOMAIN", canary, StringComparison.Ordinal);

        // A name of the UT1 gambling seed list the image carries; qemu's forward makes the host an unknown client,
        // in the default group (guests), for which every category is blocked.
        var listed = File.ReadLines(Path.Combine(RepositoryRoot.Find(), "../shared/data/ut1/gambling/domains"))
            .First(line => line.Length > 0 && char.IsAsciiLetter(line[0]) && line.Contains('.', StringComparison.Ordinal));
        var blocked = await ForwardedDns.DigAsync(vm.DnsPort, "www." + listed);
        output.WriteLine(blocked);
        Assert.Contains("status: NOERROR", blocked, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", blocked, StringComparison.Ordinal);
        Assert.Contains("EDE: 15 (Blocked)", blocked, StringComparison.Ordinal);
        Assert.Contains("gambling", blocked, StringComparison.Ordinal);
    });
}
