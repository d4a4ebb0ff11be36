// ClassroomGuard.DnsFilter — the filtering DNS resolver: UDP/TCP server, forwarder and cache (policy: see Policy/).
using ClassroomGuard.DnsFilter.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// Two ways in (DnsFilterCommandLine): the DNS filter service, or "fetch-lists" (set-up fetches the block lists with it).
try
{
    return await DnsFilterCommandLine.RunAsync(args, RunServiceAsync, Console.Out, Console.Error);
}
catch (OptionsValidationException e)
{
    // Bad configuration: say which setting, exit EX_CONFIG so systemd does not restart in a loop.
    Console.Error.WriteLine("ClassroomGuard.DnsFilter: invalid configuration: " + e.Message);
    return 78;
}
catch (ConfigurationFolderException e)
{
    Console.Error.WriteLine("ClassroomGuard.DnsFilter: " + e.Message);
    return 78;
}
catch (InvalidOperationException e) when (e.InnerException is FormatException)
{
    // The configuration binder could not convert a value (e.g. an unknown enum name); its message names the key.
    Console.Error.WriteLine("ClassroomGuard.DnsFilter: invalid configuration: " + e.Message);
    return 78;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine("ClassroomGuard.DnsFilter: cannot listen: " + e.Message + " (check Dns:Listen and that the port is free and permitted)");
    return 71;
}

static async Task<int> RunServiceAsync(string[] args)
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.Configuration.AddClassroomGuardSources(args); // inside the caller's try: an unreadable /etc/classroomguard is exit 78
    if (builder.Configuration.GetSection("Influx").Exists())
    {
        builder.Services.AddInfluxTimeSeries(); // per-second DNS activity (the policy writes it when a writer is registered)
    }

    builder.Services.AddDnsFilter();
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
