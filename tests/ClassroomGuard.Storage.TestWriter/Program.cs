// Usage: ClassroomGuard.Storage.TestWriter <database path> <count> <name prefix>
// Opens the state store and creates <count> sites, one transaction each; prints the final revision.
using System.Globalization;
using ClassroomGuard.Storage.State;

if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: ClassroomGuard.Storage.TestWriter <database path> <count> <name prefix>");
    return 2;
}

using var store = StateStore.Open(new StateOptions { Path = args[0], BusyTimeout = TimeSpan.FromSeconds(30) });
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
for (var i = 0; i < count; i++)
{
    await store.Sites.CreateSiteAsync(string.Create(CultureInfo.InvariantCulture, $"{args[2]}-{i}"), CancellationToken.None);
}

Console.WriteLine((await store.GetRevisionAsync(CancellationToken.None)).ToString(CultureInfo.InvariantCulture));
return 0;
