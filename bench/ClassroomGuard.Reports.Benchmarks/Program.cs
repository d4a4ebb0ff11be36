using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Tests.Reports.Support;
using ClassroomGuard.Storage.State;

// bench/report.sh's data: a generated week for N devices in R rooms (and the week before) in a state database and an
// influxd, then one line of shell variables for the script: the week, the governors' period and the week's totals.
var url = new Option<string>("--url") { Required = true, Description = "influxd's HTTP address (loopback)." };
var database = new Option<string>("--db") { DefaultValueFactory = _ => "classroomguard", Description = "InfluxDB database." };
var state = new Option<string>("--state") { Required = true, Description = "The state database to create." };
var devices = new Option<int>("--devices") { DefaultValueFactory = _ => 1000 };
var rooms = new Option<int>("--rooms") { DefaultValueFactory = _ => 40 };
var root = new RootCommand("Generates a school week for bench/report.sh.") { url, database, state, devices, rooms };
root.SetAction(async (result, cancellationToken) =>
{
    // The last whole week before today, so the data is inside the retention the generator provisions.
    var week = IsoWeek.Containing(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-7));
    var spec = new ReportWeekSpec { Devices = result.GetValue(devices), Rooms = result.GetValue(rooms), Sites = 2, Week = week };
    using var store = StateStore.Open(new StateOptions { Path = result.GetRequiredValue(state) });
    var clock = Stopwatch.StartNew();
    var data = await ReportWeekGenerator.GenerateAsync(spec, store, new Uri(result.GetRequiredValue(url)), result.GetRequiredValue(database), cancellationToken);
    var totals = data.Totals(null);
    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"generated {data.Devices.Count} devices in {data.Rooms.Count} rooms, {data.PointsWritten} points, weeks {week.Previous} and {week}, in {clock.Elapsed.TotalSeconds:F0} s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"WEEK={week} FROM={data.PreviousPeriod.First:yyyy-MM-dd} TO={data.Period.Last:yyyy-MM-dd} DEVICES={data.Devices.Count} DEVICES_SEEN={totals.DevicesSeen.Count} QUERIES={totals.Queries} BLOCKS={totals.Blocks} BYTES={totals.Bytes}"));
    return 0;
});
return await root.Parse(args).InvokeAsync();
