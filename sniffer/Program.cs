using ClassroomGuard.Sniffer.Capture;
using ClassroomGuard.Sniffer.Circumvention;
using ClassroomGuard.Sniffer.Hosting;
using ClassroomGuard.Storage.Hosting;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// ClassroomGuard.Sniffer: passive capture from the mirror port. A bad setting ends with a message naming it and exit
// code 78 (EX_CONFIG); an interface or file libpcap cannot open, or a bad filter, with 66 (EX_NOINPUT) or 77
// (EX_NOPERM) and libpcap's reason; an unusable state database with 65 (EX_DATAERR); a capture that fails while
// running (interface gone) with 74 (EX_IOERR). InfluxDB (per-second net_activity) is used when an Influx section is
// present, the state (device discovery, circumvention alerts) when State:Path is set or circumvention detection is on.
// Two ways in (SnifferCommandLine): the sniffer service, or "interfaces" (set-up lists the mirror port candidates with it).
try
{
    return await SnifferCommandLine.RunAsync(args, RunServiceAsync, Console.Out, Console.Error);
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Sniffer: invalid setting: " + string.Join(" ", ex.Failures));
    return 78;
}
catch (ConfigurationFolderException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Sniffer: " + ex.Message);
    return 78;
}
catch (StateStoreException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Sniffer: " + ex.Message);
    return 65;
}
catch (PcapException ex)
{
    await Console.Error.WriteLineAsync("ClassroomGuard.Sniffer: " + ex.Message);
    return ex.Kind switch
    {
        PcapErrorKind.PermissionDenied => 77,
        PcapErrorKind.BadFilter => 78,
        _ => 66,
    };
}

static async Task<int> RunServiceAsync(string[] args)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = false });
    builder.Configuration.AddClassroomGuardSources(args);
    if (builder.Configuration.GetSection("Influx").Exists())
    {
        builder.Services.AddInfluxTimeSeries(); // registered first: its writer stops last, after the final flush
    }

    if (!string.IsNullOrWhiteSpace(builder.Configuration["State:Path"]))
    {
        builder.Services.AddStateStore(builder.Configuration);
    }

    builder.Services.AddSniffer();
    builder.Services.AddCircumventionDetection(builder.Configuration);
    using var host = builder.Build();
    await host.RunAsync();
    return Environment.ExitCode;
}
