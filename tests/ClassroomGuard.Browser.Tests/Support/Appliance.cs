using System.Globalization;
using ClassroomGuard.Storage.State;
using ClassroomGuard.Storage.Tests.TimeSeries.Support;

namespace ClassroomGuard.Browser.Tests.Support;

/// <summary>
/// The appliance as set-up runs it, in a temporary folder on loopback: a real influxd, the console and the DNS filter
/// as their own processes (from this output folder) over one state database, and an unbound playing the school's
/// upstream resolver. The test arranges the school (a room, a teacher) through the same state store the services read.
/// </summary>
public sealed class Appliance : IAsyncDisposable
{
    public const string TeacherPassword = "correct horse battery staple";

    /// <summary>Names the upstream answers (the sites pupils visit).</summary>
    public static readonly string[] UpstreamNames = ["www.bbc.co.uk", "www.bbc.com", "en.wikipedia.org", "classroom.google.com", "www.nationalgeographic.com"];

    /// <summary>Names in the test's "games" list: blocked for the default (guests) group.</summary>
    public static readonly string[] GamesNames = ["poki.com", "coolmathgames.com"];

    private readonly List<IAsyncDisposable> owned = [];
    private string[] consoleArguments = [];
    private Dictionary<string, string> consoleEnvironment = [];

    private Appliance(string root) => Root = root;

    /// <summary>The temporary folder holding everything (deleted on dispose).</summary>
    public string Root { get; }

    /// <summary>https://127.0.0.1:port</summary>
    public Uri ConsoleUrl { get; private set; } = null!;

    public ConsoleCertificate Certificate { get; private set; } = null!;

    /// <summary>The console's block page (plain HTTP, <c>Console:BlockPageListen</c>) on 127.0.0.1.</summary>
    public int BlockPagePort { get; private set; }

    /// <summary>The DNS filter's UDP/TCP port on 127.0.0.1.</summary>
    public int DnsPort { get; private set; }

    /// <summary>The test's own connection to the state database the services use.</summary>
    public StateStore Store { get; private set; } = null!;

    public InfluxdServer Influx { get; private set; } = null!;

    public ServiceProcess Console { get; private set; } = null!;

    public ServiceProcess DnsFilter { get; private set; } = null!;

    public static async Task<Appliance> StartAsync()
    {
        var appliance = new Appliance(Directory.CreateTempSubdirectory("cg-browser-").FullName);
        try
        {
            await appliance.StartServicesAsync();
            return appliance;
        }
        catch
        {
            await appliance.DisposeAsync();
            throw;
        }
    }

    /// <summary>A room (on the first site) with a teacher who may act in it, and an agent enrolment token for it.</summary>
    public async Task<Classroom> AddClassroomAsync(string roomName, string teacherName)
    {
        var site = (await Store.Sites.ListSitesAsync(CancellationToken.None)).FirstOrDefault()
            ?? await Store.Sites.CreateSiteAsync("Main school", CancellationToken.None);
        var room = await Store.Sites.CreateRoomAsync(site.Id, roomName, CancellationToken.None);
        var (outcome, teacher) = await Store.Users.CreateUserAsync(teacherName, "Ms " + teacherName, [Role.Teacher], TeacherPassword, mustChangePassword: false, CancellationToken.None);
        if (outcome != CreateUserOutcome.Created)
        {
            throw new InvalidOperationException($"teacher {teacherName}: {outcome}");
        }

        // A teacher sees and acts on only their rooms: assign this one, as a technician would.
        if (await Store.TeacherRooms.AssignAsync(teacher!.Id, room.Id, CancellationToken.None) is var assigned and not TeacherRoomOutcome.Assigned)
        {
            throw new InvalidOperationException($"assigning {roomName} to {teacherName}: {assigned}");
        }

        var token = await Store.EnrolmentTokens.CreateAsync(room.Id, teacher.Id, TimeSpan.FromHours(1), CancellationToken.None)
            ?? throw new InvalidOperationException("no enrolment token");
        return new Classroom(room, teacher, token.Secret);
    }

    /// <summary>A device with <paramref name="mac"/> and address <paramref name="ip"/> (as the sniffer sees it), named <paramref name="hostname"/>, in the room.</summary>
    public async Task<long> AddDeviceAsync(Room room, string mac, string ip, string hostname)
    {
        var id = await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, mac, ip, hostname), CancellationToken.None);
        await Store.Devices.SetRoomAsync(id, room.Id, CancellationToken.None);
        return id;
    }

    /// <summary>Gives the device with <paramref name="mac"/> the address <paramref name="ip"/>, as a DHCP sighting by the sniffer would.</summary>
    public async Task<long> AssignAddressAsync(string mac, string ip) =>
        await Store.Devices.ObserveAsync(new DeviceObservation(DateTimeOffset.UtcNow, DeviceSource.Sniffer, mac, ip), CancellationToken.None);

    private async Task StartServicesAsync()
    {
        var etc = Directory.CreateDirectory(Path.Combine(Root, "etc")).FullName; // empty: no /etc/classroomguard settings leak in
        var statePath = Path.Combine(Root, "state.db");
        Certificate = ConsoleCertificate.Write(etc);

        // Migrate first (as set-up does), so the two services never race to create the schema.
        Store = await StateStore.OpenAsync(new StateOptions { Path = statePath }, null, null, CancellationToken.None);
        Influx = await InfluxdServer.StartNewAsync();
        owned.Add(Influx);
        var upstream = await UnboundUpstream.StartAsync(Path.Combine(Root, "unbound"), [.. UpstreamNames, .. GamesNames]); // games answer once unblocked
        owned.Add(upstream);

        var environment = new Dictionary<string, string>
        {
            ["CLASSROOMGUARD_CONFIG_DIR"] = etc,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        string[] common =
        [
            "--State:Path=" + statePath,
            "--Influx:Url=" + Influx.Url,
        ];

        var consolePort = Ports.FreeTcp();
        BlockPagePort = Ports.FreeTcp();
        ConsoleUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{consolePort}"));
        consoleArguments =
        [
            .. common,
            "--Influx:SpoolDirectory=" + Path.Combine(Root, "spool-console"), // a spool folder is one process's
            "--Console:Listen=" + ConsoleUrl,
            "--Console:CertificatePath=" + Certificate.CertificatePath,
            "--Console:CertificateKeyPath=" + Certificate.KeyPath,
            "--Console:DataProtectionKeysPath=" + Path.Combine(Root, "keys"),
            "--Reports:Directory=" + Path.Combine(Root, "reports"),
            string.Create(CultureInfo.InvariantCulture, $"--Console:BlockPageListen=http://127.0.0.1:{BlockPagePort}"),
            "--Classroom:SchoolDayEnd=23:59", // unblock requests at any hour a test runs
            // Every test signs its people in from 127.0.0.1 to this one console; the per-address limit (10 a minute by
            // default, its own tests in Console.Tests) would turn later sign-ins into "Too many sign-in attempts".
            "--Console:SignInAttemptsPerMinute=1000",
            // The DNS filter's upstream, which the console probes as the appliance's shared settings tell both; the
            // root ("." NS, the default question) is refused by this unbound, so it asks for a name it serves.
            string.Create(CultureInfo.InvariantCulture, $"--Dns:Upstreams:0=127.0.0.1:{upstream.Port}"),
            "--Dns:UpstreamProbe:Name=" + UpstreamNames[0],
        ];
        consoleEnvironment = environment;
        Console = ServiceProcess.StartDotnet("console/ClassroomGuard.Console.dll", consoleArguments, environment); // the published layout, wwwroot beside it
        owned.Add(Console);

        var games = Path.Combine(Root, "games.list");
        await File.WriteAllLinesAsync(games, GamesNames);
        DnsPort = Ports.FreeUdpAndTcp();
        DnsFilter = ServiceProcess.StartDotnet("ClassroomGuard.DnsFilter.dll",
        [
            .. common,
            "--Influx:SpoolDirectory=" + Path.Combine(Root, "spool-dnsfilter"),
            string.Create(CultureInfo.InvariantCulture, $"--Dns:Listen:0=127.0.0.1:{DnsPort}"),
            string.Create(CultureInfo.InvariantCulture, $"--Dns:Upstreams:0=127.0.0.1:{upstream.Port}"),
            "--Dns:UdpSocketsPerEndpoint=1",
            "--Dns:Lists:Sources:0:Path=" + games,
            "--Dns:Lists:Sources:0:Format=Plain",
            "--Dns:Lists:Sources:0:Category=games",
            "--Dns:Lists:Ut1Url=", // tests reach only loopback: no download from UT1
        ], environment);
        owned.Add(DnsFilter);

        await WaitForConsoleAsync();

        // The Firefox canary is NXDOMAIN only once the school policy is in force: the readiness check set-up uses too.
        await DnsFilter.WaitUntilAsync(async () => (await Dig.QueryAsync(DnsPort, "use-application-dns.net")).Contains("status: NXDOMAIN", StringComparison.Ordinal),
            "filtering", TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills the console process outright (a power cut or a crash, not a clean stop), leaving its data.</summary>
    public async Task KillConsoleAsync()
    {
        owned.Remove(Console);
        await Console.DisposeAsync();
    }

    /// <summary>Starts the console again on the same address, certificate, keys and state, and waits until it serves.</summary>
    public async Task StartConsoleAgainAsync()
    {
        Console = ServiceProcess.StartDotnet("console/ClassroomGuard.Console.dll", consoleArguments, consoleEnvironment);
        owned.Insert(0, Console);
        await WaitForConsoleAsync();
    }

    /// <summary>
    /// Restarts the console with <paramref name="extraArguments"/> after its own (none: as it started), and waits until
    /// it serves. A test that adds some restarts it again without them before it ends: the collection shares it.
    /// </summary>
    public async Task RestartConsoleAsync(params string[] extraArguments)
    {
        await KillConsoleAsync();
        // Its ports were seen still taken just after the kill ("address already in use"): start once both bind again.
        await WaitUntilFreeAsync(ConsoleUrl.Port, BlockPagePort);
        Console = ServiceProcess.StartDotnet("console/ClassroomGuard.Console.dll", [.. consoleArguments, .. extraArguments], consoleEnvironment);
        owned.Insert(0, Console);
        await WaitForConsoleAsync();
    }

    private static async Task WaitUntilFreeAsync(params int[] ports)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                foreach (var port in ports)
                {
                    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    listener.Start();
                    listener.Stop();
                }

                return;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 80)
            {
                await Task.Delay(250);
            }
        }
    }

    private async Task WaitForConsoleAsync()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => Certificate.Matches(c) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        await Console.WaitUntilAsync(async () => await AnswersAsync(http, new Uri(ConsoleUrl, "/healthz")), "serving /healthz", TimeSpan.FromSeconds(60));
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }

        Store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a process that is exiting: a temp folder left behind is harmless.
        }
    }
}

/// <summary>A room set up for a test: its teacher (password <see cref="Appliance.TeacherPassword"/>) and an agent enrolment token.</summary>
public sealed record Classroom(Room Room, UserAccount Teacher, string EnrolmentToken);
