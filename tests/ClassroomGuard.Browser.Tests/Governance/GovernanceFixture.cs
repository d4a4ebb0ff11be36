using System.Diagnostics;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Governance;

/// <summary>
/// An appliance of the governance tests' own (their proposals, approvals and the altered change log must not meet the
/// classroom tests' school), a Chromium that trusts it, and the people: two technicians, a governor, a Key Stage 3
/// pupil's device at <see cref="PupilAddress"/> and a staff device at <see cref="StaffAddress"/>, both put in their
/// groups through change control (arrangement, not the thing under test).
/// </summary>
public sealed class GovernanceFixture : IAsyncLifetime
{
    public const string Password = "kettle umbrella marmalade";

    /// <summary>The pupil's laptop (group Key Stage 3): dig -b this address.</summary>
    public const string PupilAddress = "127.0.0.67";

    /// <summary>A member of staff's laptop (group Staff).</summary>
    public const string StaffAddress = "127.0.0.68";

    private IPlaywright? playwright;

    public Appliance Appliance { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Technician A: proposes.</summary>
    public UserAccount Alex { get; private set; } = null!;

    /// <summary>Technician B: approves.</summary>
    public UserAccount Bea { get; private set; } = null!;

    /// <summary>The governor: reads the log, may change nothing.</summary>
    public UserAccount Gwen { get; private set; } = null!;

    public string StatePath => Path.Combine(Appliance.Root, "state.db");

    public async Task InitializeAsync()
    {
        Appliance = await Appliance.StartAsync();
        try
        {
            (playwright, Browser) = await Chromium.LaunchAsync(Appliance.Certificate.Pin);
            var store = Appliance.Store;
            Alex = await UserAsync(store, "alex.turner", "Alex Turner", Role.Technician);
            Bea = await UserAsync(store, "bea.khan", "Bea Khan", Role.Technician);
            Gwen = await UserAsync(store, "gwen.morgan", "Gwen Morgan", Role.Governor);

            var pupil = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:00:00:00:67:01", PupilAddress, "Y8-LAPTOP-01"), CancellationToken.None);
            var staff = await store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, "02:00:00:00:67:02", StaffAddress, "STAFF-LAPTOP-01"), CancellationToken.None);
            await PutInGroupAsync(pupil, "ks3", "Year 8 laptop trolley");
            await PutInGroupAsync(staff, "staff", "Staff room laptop");
        }
        catch
        {
            await DisposeAsync(); // no leftover influxd, console, DNS filter or Chromium
            throw;
        }
    }

    /// <summary>A fresh browser (no cookies) showing the console at 1920×1080.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = Chromium.ClassroomDisplay,
            BaseURL = Appliance.ConsoleUrl.ToString(),
            Locale = "en-GB",
            TimezoneId = "Europe/London",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser signed in as <paramref name="user"/> through the real sign-in form.</summary>
    public async Task<IPage> SignedInAsync(UserAccount user)
    {
        var page = await NewPageAsync();
        await ClassroomFixture.SignInAsync(page, user.UserName, Password);
        return page;
    }

    /// <summary>
    /// <c>dotnet console/ClassroomGuard.Console.dll verify-log --State:Path=…</c> as its own process, as a technician
    /// would run it on the appliance, with the appliance's (empty) settings folder: no machine settings leak in.
    /// </summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> VerifyLogAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "console", "ClassroomGuard.Console.dll"), "verify-log", "--State:Path=" + StatePath])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CLASSROOMGUARD_CONFIG_DIR"] = Path.Combine(Appliance.Root, "etc");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("verify-log did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("verify-log did not finish within 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs Debian's sqlite3 on the appliance's state database (waiting up to 5 s for the services' locks).</summary>
    public async Task<string> Sqlite3Async(string sql)
    {
        var (exit, output) = await ServiceProcess.RunAsync("sqlite3", ["-cmd", ".timeout 5000", StatePath, sql]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"sqlite3 exited with {exit}: {output}");
        }

        return output;
    }

    private async Task PutInGroupAsync(long deviceId, string groupKey, string reason)
    {
        var store = Appliance.Store;
        var proposed = await store.ChangeControl.ProposeAsync(Alex.Id, new SetDeviceGroupChange(deviceId, groupKey), reason, CancellationToken.None);
        if (proposed.Entry is null)
        {
            throw new InvalidOperationException($"device {deviceId} → {groupKey}: {proposed.Refusal} {proposed.Detail}");
        }

        var approved = await store.ChangeControl.ApproveAsync(Bea.Id, proposed.Entry.ChangeId, null, CancellationToken.None);
        if (approved.Entry is null)
        {
            throw new InvalidOperationException($"approving device {deviceId} → {groupKey}: {approved.Refusal} {approved.Detail}");
        }
    }

    private static async Task<UserAccount> UserAsync(StateStore store, string userName, string name, Role role)
    {
        var (outcome, user) = await store.Users.CreateUserAsync(userName, name, [role], Password, mustChangePassword: false, CancellationToken.None);
        return user ?? throw new InvalidOperationException($"{userName}: {outcome}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Appliance is not null)
        {
            await Appliance.DisposeAsync();
        }
    }
}

/// <summary>
/// The governance tests share one appliance and run on their own, after the collections that run in parallel: the
/// approval-to-blocked time they print is not measured on a machine busy with the other browser tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GovernanceCollection : ICollectionFixture<GovernanceFixture>
{
    public const string Name = "governance";
}
