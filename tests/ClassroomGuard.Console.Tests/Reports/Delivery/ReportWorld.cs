using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Mail;
using ClassroomGuard.Console.Reports;
using ClassroomGuard.Console.Reports.Delivery;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Tests.Reports.Delivery;

/// <summary>
/// A real state database, a reports folder and the delivery services built by hand on a clock the test moves, in
/// Europe/London. <see cref="Restart"/> builds the services again over the same state and folder, as a restarted console.
/// </summary>
internal sealed class ReportWorld : IDisposable
{
    public static readonly CancellationToken None = CancellationToken.None;

    private readonly string root = Directory.CreateTempSubdirectory("cg-reports-").FullName;

    public ReportWorld(DateTimeOffset start, Action<ReportOptions>? configure = null, int smtpPort = 0)
    {
        Clock = new ManualClock(start);
        Store = StateStore.Open(new StateOptions { Path = Path.Combine(root, "state.db"), TimeZone = "Europe/London" }, Clock);
        Options = new ReportOptions { Directory = Path.Combine(root, "reports") };
        configure?.Invoke(Options);
        SmtpPort = smtpPort;
        Restart();
    }

    public ManualClock Clock { get; }

    public StateStore Store { get; }

    public ReportOptions Options { get; }

    public FakeReportGenerator Generator { get; } = new();

    public int SmtpPort { get; set; }

    public ReportArchive Archive { get; private set; } = default!;

    public ReportMailer Mailer { get; private set; } = default!;

    public ReportScheduler Scheduler { get; private set; } = default!;

    public ReportsService Reports { get; private set; } = default!;

    public MailOptions Mail => new()
    {
        Host = SmtpPort == 0 ? null : "127.0.0.1", Port = SmtpPort, Security = MailSecurity.None, From = "classroomguard@school.example", Timeout = TimeSpan.FromSeconds(10),
    };

    public string Folder => Options.Directory;

    /// <summary>The services again, as after a restart at the clock's time: nothing but the state and the folder carries over.</summary>
    public void Restart()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var state = Microsoft.Extensions.Options.Options.Create(new StateOptions { TimeZone = "Europe/London" });
        var mail = Microsoft.Extensions.Options.Options.Create(Mail);
        var console = Microsoft.Extensions.Options.Options.Create(new ConsoleOptions { PublicUrl = "https://classroomguard.school.example" });
        Archive = new ReportArchive(Store, options, state, Clock, NullLogger<ReportArchive>.Instance, Generator);
        Archive.EnsureFolder();
        Mailer = new ReportMailer(Store, Archive, options, mail, console, new MailSignal(), NullLogger<ReportMailer>.Instance);
        Scheduler = new ReportScheduler(Store, Archive, Mailer, options, Clock, NullLogger<ReportScheduler>.Instance);
        Reports = new ReportsService(Store, Archive, Mailer, options, mail, Clock, NullLogger<ReportsService>.Instance);
        Scheduler.InitializeAsync(None).GetAwaiter().GetResult(); // as the service's start does, at the clock's time
    }

    public MailSender Sender() => new(
        Store, Microsoft.Extensions.Options.Options.Create(Mail), new MailSignal(), Clock, NullLogger<MailSender>.Instance);

    public MailStatusService MailStatus()
    {
        var safeguarding = Microsoft.Extensions.Options.Options.Create(new SafeguardingOptions { AlertRecipients = ["dsl@school.example"] });
        var alerts = new AlertsService(Store, new AlertSeverities(safeguarding), Microsoft.Extensions.Options.Options.Create(new StateOptions { TimeZone = "Europe/London" }), Clock,
            NullLogger<AlertsService>.Instance);
        return new MailStatusService(Store, Microsoft.Extensions.Options.Options.Create(Mail), safeguarding, alerts, Clock);
    }

    /// <summary>A user with an e-mail address (or none), enabled or not.</summary>
    public async Task<UserAccount> UserAsync(string name, Role role, string? email, bool disabled = false)
    {
        var (_, user) = await Store.Users.CreateUserAsync(name, name, [role], "correct horse battery staple", None);
        if (email is not null)
        {
            await Store.Users.SetEmailAsync(user!.Id, email, None);
        }

        if (disabled)
        {
            await Store.Users.SetDisabledAsync(user!.Id, true, None);
        }

        return user!;
    }

    /// <summary>Moves the clock to <paramref name="at"/> and runs the schedule's round.</summary>
    public Task<int> RunAtAsync(DateTimeOffset at)
    {
        Clock.Set(at);
        return Scheduler.RunDueAsync(None);
    }

    /// <summary>The school's calendar entry, written as the approved policy change would write it.</summary>
    public void Term(string name, DateOnly first, DateOnly last)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Store.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO school_calendar (kind, name, first_day, last_day) VALUES ('term', $n, $f, $l)";
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$f", first.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$l", last.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>A clock the test sets.</summary>
    internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Set(DateTimeOffset at) => now = at;

        public void Advance(TimeSpan by) => now += by;
    }
}
