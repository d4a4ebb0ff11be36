namespace ClassroomGuard.Image.Tests.Qemu.Harness;

/// <summary>
/// The guest agent client against Debian's real qemu-ga, run on this machine on a unix socket (the protocol the images'
/// agent speaks over its virtio port), so the client is known to work before any image boots.
/// </summary>
public sealed class GuestAgentClientTests : IAsyncLifetime
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cg-qga-");
    private BackgroundProcess? agent;

    private string SocketPath => Path.Combine(folder.FullName, "qga.sock");

    public Task InitializeAsync()
    {
        Assert.True(File.Exists("/usr/sbin/qemu-ga"), "/usr/sbin/qemu-ga is missing: install Debian's qemu-guest-agent (tests/run.sh does this)");
        agent = new BackgroundProcess("/usr/sbin/qemu-ga", "-m", "unix-listen", "-p", SocketPath, "-t", folder.FullName, "-f", Path.Combine(folder.FullName, "qga.pid"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Exec_CapturesOutputErrorAndExitCode_AndFeedsInput()
    {
        using var client = new GuestAgent(SocketPath);
        await client.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(20));

        var result = await client.ShellAsync("read secret; echo \"out:$secret\"; echo err >&2; exit 3", input: "s3cret\n");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out:s3cret\n", result.Output);
        Assert.Equal("err\n", result.Error);
    }

    [Fact]
    public async Task Check_FailsNamingTheCommandAndWhatItSaid()
    {
        using var client = new GuestAgent(SocketPath);
        await client.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CheckAsync("echo nope >&2; false"));

        Assert.Contains("echo nope >&2; false", error.Message, StringComparison.Ordinal);
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Equal("two\n", await client.CheckAsync("echo two"));
    }

    [Fact]
    public async Task Exec_KilledBySignal_ReportsItAsTheShellWould()
    {
        using var client = new GuestAgent(SocketPath);
        await client.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(20));

        var result = await client.ExecAsync("/bin/sh", ["-c", "kill -KILL $$"]);

        Assert.Equal(128 + 9, result.ExitCode);
    }

    [Fact]
    public async Task WaitUntilAnswering_NoAgent_TimesOutSayingSo()
    {
        using var client = new GuestAgent(Path.Combine(folder.FullName, "nobody-listens.sock"));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(2)));

        Assert.Contains("guest agent did not answer", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (agent is not null)
        {
            await agent.DisposeAsync();
        }

        folder.Delete(recursive: true);
    }
}
