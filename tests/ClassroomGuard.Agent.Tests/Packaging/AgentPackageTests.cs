using System.Diagnostics;
using System.Text.Json;
using ClassroomGuard.Agent.Tests.Support;
using ClassroomGuard.Storage.State;
using Xunit.Abstractions;

namespace ClassroomGuard.Agent.Tests.Packaging;

/// <summary>
/// What school IT installs (agent/packaging/build.sh): the package builds; its tarball installs into a temporary root
/// with the same files as the .deb; the installed enrol command enrols the device against a real console (a wrong
/// token changes nothing); and the installed session launcher — what the XDG autostart entry runs in a pupil's X
/// session — starts the installed agent, which blanks a real Xvfb on the teacher's action.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentPackageTests(ITestOutputHelper output)
{
    private static readonly string Repo = FindRepo();

    [Fact]
    public async Task Package_BuildsInstallsEnrolsAndTheInstalledAgentBlanksTheSession()
    {
        var work = Directory.CreateTempSubdirectory("cg-agent-package-").FullName;
        try
        {
            // Build (linux only: the Windows publish adds time and nothing runs it here; gzip: much faster than xz).
            var built = await RunAsync("bash", [Path.Combine(Repo, "agent/packaging/build.sh"), "--out", Path.Combine(work, "out"), "--version", "1.2.3", "--targets", "linux-x64"],
                new() { ["COMPRESS"] = "gzip" }, TimeSpan.FromMinutes(5));
            Assert.True(built.ExitCode == 0, built.Output);
            var deb = Path.Combine(work, "out", "classroomguard-agent_1.2.3_amd64.deb");
            var info = await RunAsync("dpkg-deb", ["--info", deb]);
            Assert.Contains("Package: classroomguard-agent", info.Output, StringComparison.Ordinal);
            Assert.Contains("Version: 1.2.3", info.Output, StringComparison.Ordinal);
            Assert.Contains("libx11-6", info.Output, StringComparison.Ordinal);

            // Install the tarball into a temporary root; it lays out exactly the .deb's files.
            var unpacked = await RunAsync("tar", ["-C", work, "-xzf", Path.Combine(work, "out", "classroomguard-agent-1.2.3-linux-x64.tar.gz")]);
            Assert.True(unpacked.ExitCode == 0, unpacked.Output);
            var root = Path.Combine(work, "root");
            var installed = await RunAsync("sh", [Path.Combine(work, "classroomguard-agent-1.2.3-linux-x64", "install.sh")], new() { ["DESTDIR"] = root });
            Assert.True(installed.ExitCode == 0, installed.Output);
            var debFiles = (await RunAsync("dpkg-deb", ["--contents", deb])).Output.Split('\n')
                .Where(line => line.StartsWith('-')).Select(line => line[(line.LastIndexOf(" ./", StringComparison.Ordinal) + 2)..]).Order().ToList();
            var rootFiles = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => f[root.Length..]).Order().ToList();
            Assert.Equal(debFiles, rootFiles);
            Assert.Contains("/etc/xdg/autostart/classroomguard-agent.desktop", rootFiles);
            Assert.Contains("Exec=/usr/lib/classroomguard-agent/session", await File.ReadAllTextAsync(Path.Combine(root, "etc/xdg/autostart/classroomguard-agent.desktop")), StringComparison.Ordinal);

            await using var console = await ConsoleServer.StartAsync();
            var (teacher, room, token) = await console.RoomWithTokenAsync("Packaged");
            var enrol = Path.Combine(root, "usr/sbin/classroomguard-agent-enrol");
            var asInstalled = new Dictionary<string, string> { ["CG_AGENT_ROOT"] = root };
            string[] where = ["--console", console.Url.ToString().TrimEnd('/'), "--pin", console.Pin];

            var refused = await RunAsync(enrol, [.. where, "--token", "not-the-token"], asInstalled);
            Assert.True(refused.ExitCode == 77, refused.Output);
            Assert.False(File.Exists(Path.Combine(root, "etc/classroomguard/agent.json")), "a refused enrolment left settings behind");
            Assert.False(File.Exists(Path.Combine(root, "var/lib/classroomguard-agent/agent.json")), "a refused enrolment left a credential behind");

            var enrolled = await RunAsync(enrol, [.. where, "--token", token, "--message", "Look \"up\", please"], asInstalled);
            Assert.True(enrolled.ExitCode == 0, enrolled.Output);
            output.WriteLine(enrolled.Output);
            var settings = await File.ReadAllTextAsync(Path.Combine(root, "etc/classroomguard/agent.json"));
            Assert.DoesNotContain(token, settings, StringComparison.Ordinal);
            using (var json = JsonDocument.Parse(settings))
            {
                var agent = json.RootElement.GetProperty("Agent");
                Assert.Equal(console.Pin, agent.GetProperty("ExpectedConsolePin").GetString());
                Assert.Equal("Look \"up\", please", agent.GetProperty("BlankMessage").GetString());
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(Path.Combine(root, "var/lib/classroomguard-agent/agent.json")));
            var device = Assert.Single(await console.Store.Devices.ListAsync(room.Id, CancellationToken.None));

            // The pupil's session: what the autostart entry runs, with the session's DISPLAY.
            using var x = await XvfbServer.StartAsync();
            using var session = Process.Start(new ProcessStartInfo(Path.Combine(root, "usr/lib/classroomguard-agent/session"))
            {
                Environment = { ["CG_AGENT_ROOT"] = root, ["DISPLAY"] = x.Display },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var printed = new System.Collections.Concurrent.ConcurrentQueue<string>();
            session.OutputDataReceived += (_, e) => printed.Enqueue(e.Data ?? "");
            session.ErrorDataReceived += (_, e) => printed.Enqueue(e.Data ?? "");
            session.BeginOutputReadLine();
            session.BeginErrorReadLine();
            try
            {
                var action = await console.Store.TeacherActions.StartAsync(
                    new NewTeacherAction(TeacherActionKind.Blank, teacher.Id, "package test", ActionScope.Device, device.Id, null, DateTimeOffset.UtcNow.AddMinutes(5)), CancellationToken.None);
                await UntilAsync(async () => (await x.TreeAsync()).Contains("ClassroomGuard blank", StringComparison.Ordinal), "the installed agent blanked the session");
                await console.Store.TeacherActions.ReleaseAsync(action.Id, teacher.Id, CancellationToken.None);
                await UntilAsync(async () => !(await x.TreeAsync()).Contains("ClassroomGuard blank", StringComparison.Ordinal), "the blank is released");
            }
            catch
            {
                output.WriteLine("session:\n" + string.Join('\n', printed));
                throw;
            }
            finally
            {
                session.Kill(entireProcessTree: true);
                await session.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, Dictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("Timed out waiting until " + what);
    }

    private static string FindRepo() => RepositoryRoot.Find();
}
