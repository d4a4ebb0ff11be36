using System.Diagnostics;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

public sealed partial class ApplianceImageTests
{
    /// <summary>Issue #15: DNS answers again within 2 s of the DNS filter crashing (systemd restarts it).</summary>
    private static readonly TimeSpan DnsBackWithin = TimeSpan.FromSeconds(2);

    [BootFact]
    public Task DnsFilter_Crashes_ForwardedPortAnswersAgainWithin2Seconds() => appliance.RunAsync(images, output, async vm =>
    {
        const string unit = "classroomguard-dnsfilter.service";
        await ForwardedDns.WaitUntilAnsweringAsync(vm.DnsPort, Acceleration.Scaled(TimeSpan.FromMinutes(2)));
        var before = await MainPidAsync(vm, unit);
        Assert.NotEqual(0, before);

        var clock = Stopwatch.StartNew();
        await vm.Agent.CheckAsync($"kill -SEGV {before}");
        var killed = clock.Elapsed;
        var unanswered = 0;
        while (!await ForwardedDns.AnswersAsync(vm.DnsPort, "use-application-dns.net", TimeSpan.FromMilliseconds(100)))
        {
            unanswered++;
            Assert.True(clock.Elapsed < Acceleration.Scaled(TimeSpan.FromSeconds(60)), $"no DNS answer {clock.Elapsed.TotalSeconds:0} s after the crash");
        }

        var back = clock.Elapsed;
        var after = await MainPidAsync(vm, unit);
        output.WriteLine($"SIGSEGV sent in {killed.TotalMilliseconds:0} ms; DNS answered again {back.TotalMilliseconds:0} ms after sending it ({unanswered} queries of 100 ms unanswered); main pid {before} -> {after}; {Acceleration.Describe()}");
        output.WriteLine(await vm.Agent.CheckAsync($"journalctl -u {unit} -n 8 --no-pager -o short-monotonic"));
        Assert.True(before != after, $"the DNS filter's main pid is still {before}: the crash did not happen");
        Assert.True(back <= DnsBackWithin, $"DNS answered again only after {back.TotalMilliseconds:0} ms (bound {DnsBackWithin.TotalMilliseconds:0} ms; {Acceleration.Describe()})");
    });
}
