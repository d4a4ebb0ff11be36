using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using ClassroomGuard.Storage.State;
using Xunit.Abstractions;

namespace ClassroomGuard.Image.Tests.Backup;

/// <summary>
/// image/backup.sh on an install whose state database is being written to, then image/restore.sh onto a fresh
/// install of a newer release: the same users (with their passwords), rooms, devices and change log, the chain verified
/// by the console's own verify-log, the same certificate, secrets and sign-in keys.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private const string Password = "correct horse battery staple";
    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task Backup_WhileTheDatabaseIsWritten_RestoresOntoAFreshInstallTheSameSchool()
    {
        using var school = await InstalledPrefix.CreateAsync("20261201.0900-aaaaaaa");
        using var fresh = await InstalledPrefix.CreateAsync("20261207.1000-bbbbbbb");
        using (var store = school.OpenStore())
        {
            await PopulateAsync(store);
        }

        var archive = Path.Combine(school.Root, "school.tar.gz");
        var writer = new RoomWriter(school);
        await writer.StartedAsync();
        var committedBefore = writer.Committed;
        var backup = await school.RunScriptAsync("backup.sh", "--out", archive, "--passphrase-file", school.PassphraseFile);
        var committedAfter = writer.Committed;
        await writer.StopAsync();
        output.WriteLine($"backup.sh exit {backup.ExitCode}:\n{backup.Output}{backup.Error}");
        output.WriteLine($"writer: {committedBefore} rooms committed before the backup began, {committedAfter} when it ended");
        Assert.Equal(0, backup.ExitCode);
        Assert.Contains("Backup written: " + archive, backup.Output, StringComparison.Ordinal);
        Assert.True(committedAfter > committedBefore, "the writer wrote nothing while backup.sh ran: the online copy was not exercised");

        var replacedSecrets = await File.ReadAllTextAsync(Path.Combine(fresh.Etc, "secrets.json"));
        var freshConsole = await fresh.StartConsoleAsync();
        await ServedCertificateAsync(fresh.ConsolePort);
        var restore = await fresh.RunScriptAsync("restore.sh", archive, "--passphrase-file", fresh.PassphraseFile);
        output.WriteLine($"restore.sh exit {restore.ExitCode}:\n{restore.Output}{restore.Error}");
        Assert.Equal(0, restore.ExitCode);
        Assert.Contains("Change-control log: change log intact", restore.Output, StringComparison.Ordinal);

        // The console set-up had started was stopped and started again, now with the school's settings and certificate.
        Assert.NotEqual(freshConsole, fresh.ConsolePid());
        Assert.False(IsRunning(freshConsole), "the console that ran before the restore still runs");
        using (var schoolCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(school.Etc, "tls/console.crt"))))
        {
            Assert.Equal(schoolCertificate.RawData, await ServedCertificateAsync(school.ConsolePort));
        }

        using var original = school.OpenStore();
        using var restored = fresh.OpenStore();
        Assert.Equal(await UsersAsync(original), await UsersAsync(restored));
        Assert.Equal(SignInOutcome.Succeeded, (await restored.Users.VerifyPasswordAsync("alice", Password, Token)).Outcome);
        Assert.Equal(await DevicesAsync(original), await DevicesAsync(restored));
        var rooms = await RoomsAsync(restored);
        Assert.Equal(new[] { "ICT 2", "Science 1" }, rooms.Where(r => !r.StartsWith("writer-", StringComparison.Ordinal)));
        // One writer, one room at a time: a consistent copy holds exactly its first k rooms, k at least those committed
        // before the copy began.
        var copied = rooms.Count(r => r.StartsWith("writer-", StringComparison.Ordinal));
        Assert.True(copied >= committedBefore, $"{copied} writer rooms restored, {committedBefore} were committed before the backup");
        Assert.Equal(Enumerable.Range(0, copied).Select(RoomWriter.Name), rooms.Where(r => r.StartsWith("writer-", StringComparison.Ordinal)));
        var log = await restored.ChangeControl.GetEntriesAsync(0, ChangeControl.MaxPageSize, Token);
        var originalLog = await original.ChangeControl.GetEntriesAsync(0, ChangeControl.MaxPageSize, Token);
        Assert.True(log.Count >= 4 + committedBefore, $"{log.Count} change-log entries restored");
        Assert.Equal(originalLog.Take(log.Count).Select(e => (e.Sequence, e.Hash)), log.Select(e => (e.Sequence, e.Hash)));
        Assert.True((await restored.ChangeControl.VerifyChainAsync(null, Token)).IsValid);

        foreach (var file in (string[])["etc/classroomguard/secrets.json", "etc/classroomguard/tls/console.key", "etc/classroomguard/tls/console.crt"])
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(school.Root, file)), await File.ReadAllBytesAsync(Path.Combine(fresh.Root, file)));
        }

        var key = Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(school.Lib, "keys"))));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(school.Lib, "keys", key)), await File.ReadAllBytesAsync(Path.Combine(fresh.Lib, "keys", key)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh.StatePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(fresh.Etc, "secrets.json")));
        // The restored settings name this install's paths, not the old one's.
        var settings = await File.ReadAllTextAsync(Path.Combine(fresh.Etc, "appliance.json"));
        Assert.Contains(fresh.StatePath, settings, StringComparison.Ordinal);
        Assert.DoesNotContain(school.Root, settings, StringComparison.Ordinal);
        // What the restore replaced is kept, for undoing it.
        var undo = Assert.Single(Directory.GetDirectories(fresh.Backups, "before-restore-*"));
        Assert.Equal(replacedSecrets, await File.ReadAllTextAsync(Path.Combine(undo, "etc/classroomguard/secrets.json")));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Waits (up to 90 s: the console starts slowly on a busy machine) until the console on <paramref name="port"/> answers /healthz; returns the certificate it serves (DER).</summary>
    private async Task<byte[]> ServedCertificateAsync(int port)
    {
        byte[]? served = null;
        using var handler = new HttpClientHandler
        {
            // The test only reads which certificate is served; trust is what the comparison with the file decides.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                served = certificate!.RawData;
                return true;
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/healthz"));
                output.WriteLine($"console on {port}: /healthz {(int)response.StatusCode}");
                return served!;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task PopulateAsync(StateStore store)
    {
        var alice = await CreateUserAsync(store, "alice", Role.Technician);
        var bob = await CreateUserAsync(store, "bob", Role.Administrator);
        await CreateUserAsync(store, "carol", Role.Teacher);
        var site = await store.Sites.CreateSiteAsync("Main building", Token);
        var science = await store.Sites.CreateRoomAsync(site.Id, "Science 1", Token);
        await store.Sites.CreateRoomAsync(site.Id, "ICT 2", Token);
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 3; i++)
        {
            var device = await store.Devices.ObserveAsync(new DeviceObservation(at, DeviceSource.Sniffer, $"02:00:00:00:00:0{i}", $"192.168.1.{10 + i}", $"pupil-{i}"), Token);
            await store.Devices.SetRoomAsync(device, science.Id, Token);
        }

        foreach (var change in (PolicyChange[])[new BlockCategoryChange("ks5", "social_networking"), new SetDomainRuleChange("example.org", null, RuleAction.Allow)])
        {
            var proposed = await store.ChangeControl.ProposeAsync(alice.Id, change, "term starts", Token);
            Assert.True((await store.ChangeControl.ApproveAsync(bob.Id, proposed.Entry!.ChangeId, "agreed", Token)).Succeeded);
        }
    }

    private static async Task<UserAccount> CreateUserAsync(StateStore store, string name, Role role)
    {
        var (outcome, user) = await store.Users.CreateUserAsync(name, name.ToUpperInvariant(), [role], Password, Token);
        Assert.Equal(CreateUserOutcome.Created, outcome);
        return user!;
    }

    private static async Task<List<string>> UsersAsync(StateStore store) =>
        [.. (await store.Users.ListAsync(Token)).Select(u => $"{u.UserName}/{u.DisplayName}/{string.Join(',', u.Roles)}").Order(StringComparer.Ordinal)];

    private static async Task<List<string>> DevicesAsync(StateStore store) =>
        [.. (await store.Devices.ListAsync(null, Token)).Select(d => $"{d.Id}/{d.Hostname}/{d.RoomId}").Order(StringComparer.Ordinal)];

    private static async Task<List<string>> RoomsAsync(StateStore store) =>
        [.. (await store.Sites.ListRoomsAsync(null, Token)).Select(r => r.Name).Order(StringComparer.Ordinal)];

    /// <summary>The console at work during the backup: rooms created one after another, each followed by a proposed change (a change-log entry).</summary>
    private sealed class RoomWriter(InstalledPrefix prefix)
    {
        private readonly CancellationTokenSource stop = new();
        private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task? running;
        private int committed;

        public int Committed => Volatile.Read(ref committed);

        public static string Name(int i) => $"writer-{i:D5}";

        public Task StartedAsync()
        {
            running = Task.Run(WriteAsync);
            return started.Task;
        }

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await running!;
            stop.Dispose();
        }

        private async Task WriteAsync()
        {
            using var store = prefix.OpenStore();
            var technician = (await store.Users.FindByNameAsync("alice", Token))!;
            var site = await store.Sites.CreateSiteAsync("Writer site", Token);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await store.Sites.CreateRoomAsync(site.Id, Name(i), Token);
                await store.ChangeControl.ProposeAsync(technician.Id, new SetDomainRuleChange($"site{i}.example", null, RuleAction.Deny), "writer", Token);
                if (Interlocked.Increment(ref committed) == 5)
                {
                    started.SetResult();
                }
            }
        }
    }
}
