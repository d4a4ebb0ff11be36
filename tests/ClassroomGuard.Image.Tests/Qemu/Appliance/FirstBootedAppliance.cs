using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>
/// One appliance, booted for the first time from a fresh overlay of the built image when the first test asks, and
/// shared by the tests of <see cref="ApplianceImageTests"/> (a boot is minutes under software emulation). Tests that
/// change it (a crash, a reboot) leave it working, so their order does not matter.
/// </summary>
public sealed class FirstBootedAppliance : IAsyncLifetime
{
    private readonly SemaphoreSlim starting = new(1, 1);
    private QemuMachine? machine;
    private Exception? failed;

    /// <summary>What the first boot showed on the serial console, from the kernel's first line to the login prompt's banner.</summary>
    public string FirstBootSerial { get; private set; } = string.Empty;

    /// <summary>The first administrator's password, as the first boot's banner showed it.</summary>
    public string Password { get; private set; } = string.Empty;

    /// <summary>Every password the first boot's banner showed (the administrator's first).</summary>
    public IReadOnlyList<string> ShownPasswords { get; private set; } = [];

    /// <summary>The console's address in the banner (the guest's own, 10.0.2.15 under qemu's user networking).</summary>
    public string Address { get; private set; } = string.Empty;

    internal ApplianceConsole Console { get; private set; } = null!;

    internal QemuMachine Machine => machine ?? throw new InvalidOperationException("not started");

    /// <summary>Starts the appliance once (the first caller waits for the first boot; a failed start fails every caller).</summary>
    internal async Task<QemuMachine> StartAsync(BuiltImages images, ITestOutputHelper output)
    {
        await starting.WaitAsync();
        try
        {
            if (failed is not null)
            {
                throw new InvalidOperationException("the appliance did not boot (see the first test that failed): " + failed.Message, failed);
            }

            if (machine is null)
            {
                try
                {
                    await FirstBootAsync(images, output);
                }
                catch (Exception e)
                {
                    failed = e;
                    throw;
                }
            }

            return machine!;
        }
        finally
        {
            starting.Release();
        }
    }

    /// <summary>Runs a test's body against the appliance; a failure carries the serial console's last lines and qemu's words.</summary>
    internal async Task RunAsync(BuiltImages images, ITestOutputHelper output, Func<QemuMachine, Task> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        var vm = await StartAsync(images, output);
        try
        {
            await body(vm);
        }
        catch
        {
            output.WriteLine(vm.Diagnostics());
            throw;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask; // booted on first use: a run of other tests alone boots nothing

    public async Task DisposeAsync()
    {
        if (machine is not null)
        {
            await machine.DisposeAsync();
        }

        starting.Dispose();
    }

    private async Task FirstBootAsync(BuiltImages images, ITestOutputHelper output)
    {
        var image = await images.ApplianceAsync(output);
        var clock = Stopwatch.StartNew();
        machine = await QemuMachine.StartAsync(new QemuMachineOptions(image.Qcow2)
        {
            // qemu's restricted network gives no DNS server by DHCP; without one the DNS filter does not start. Any
            // address will do: the tests ask only what the filter answers itself (docs/image.md, "First boot").
            RawImage = image.Raw,
            EspFiles = new Dictionary<string, string> { ["classroomguard-appliance.conf"] = "DNS_UPSTREAMS=10.0.2.3\n" },
        });
        output.WriteLine($"appliance {image.Version} booting with {Acceleration.Describe()}; console on 127.0.0.1:{machine.HttpsPort}, DNS on 127.0.0.1:{machine.DnsPort}, serial {machine.Serial.Path}");
        try
        {
            // First boot makes the secrets, the certificate and the database before the banner: minutes under TCG.
            var password = await machine.Serial.WaitForAsync(ApplianceBanner.PasswordLine(), Acceleration.Scaled(TimeSpan.FromMinutes(5)), stillRunning: () => machine.Running);
            var address = await machine.Serial.WaitForAsync(ApplianceBanner.ConsoleLine(), TimeSpan.FromSeconds(30), stillRunning: () => machine.Running);
            output.WriteLine($"first boot: banner after {clock.Elapsed.TotalSeconds:0} s");
            Password = password.Groups["password"].Value;
            Address = address.Groups["address"].Value;
            await machine.Agent.WaitUntilAnsweringAsync(Acceleration.Scaled(TimeSpan.FromMinutes(2)));
            output.WriteLine($"first boot: guest agent answering after {clock.Elapsed.TotalSeconds:0} s");
            FirstBootSerial = machine.Serial.Text();
            ShownPasswords = [Password, .. ApplianceBanner.AnyShownPassword().Matches(FirstBootSerial).Select(m => m.Groups["password"].Value).Distinct().Where(p => p != Password)];
            var pem = await machine.Agent.CheckAsync("cat " + ApplianceConsole.CertificatePath);
            Console = new ApplianceConsole(machine.HttpsPort, X509Certificate2.CreateFromPem(pem));
        }
        catch
        {
            output.WriteLine(machine.Diagnostics());
            throw;
        }
    }
}
