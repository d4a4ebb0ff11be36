using System.CommandLine;
using System.Globalization;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Kiosk;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Commands;

/// <summary>
/// <c>kiosk issue --room NAME [--label L] [--console-url URL] [--by USER]</c> prints the text of a new
/// <c>classroomguard-kiosk.conf</c> on stdout (nothing secret anywhere else); <c>kiosk list [--room NAME]</c>;
/// <c>kiosk revoke (--room NAME --label L | --id N) [--by USER]</c>. The same rules as the room page's panel
/// (<see cref="KioskCredentialsAdmin"/>): the <c>--by</c> account must be a technician or administrator, and the
/// issue and revoke are recorded in the audit log under it. A room or label that does not match is exit 65.
/// </summary>
internal static class KioskCommand
{
    public const string Usage = "kiosk issue --room NAME [--label L] [--console-url URL] [--by USER] | kiosk list [--room NAME] | kiosk revoke (--room NAME --label L | --id N) [--by USER]";

    public static Command Create(string settingsHelp)
    {
        var kiosk = new Command("kiosk", "Classroom display credentials: 'kiosk issue', 'kiosk list', 'kiosk revoke'. " + settingsHelp) { TreatUnmatchedTokensAsErrors = false };
        kiosk.Add(Issue(settingsHelp));
        kiosk.Add(List(settingsHelp));
        kiosk.Add(Revoke(settingsHelp));
        return kiosk;
    }

    private static Command Issue(string settingsHelp)
    {
        var room = RoomOption(required: true);
        var label = new Option<string>("--label") { Description = "The display's name (default '<room> display').", HelpName = "L" };
        var consoleUrl = new Option<Uri>("--console-url")
        {
            Description = "The console's address as the display reaches it, e.g. https://192.168.1.2:8443 (default Console:PublicUrl, else this machine's name).",
            HelpName = "URL",
            CustomParser = r => Uri.TryCreate(r.Tokens.Single().Value, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && u.AbsolutePath == "/"
                ? u
                : Fail<Uri>(r, $"--console-url '{r.Tokens.Single().Value}' must look like https://192.168.1.2:8443 (https, no path)."),
        };
        var by = ByOption();
        var command = Sub("issue", "Issues a classroom display credential for a room and prints classroomguard-kiosk.conf (shown only this once). " + settingsHelp, room, label, consoleUrl, by);
        command.SetAction((result, ct) => RunAsync(result, "issue", async (services, output) =>
        {
            var (target, refusal) = await FindRoomAsync(services, result.GetValue(room)!, ct);
            var (actor, notActor) = await ActorAsync(services, result.GetValue(by)!, ct);
            if (target is null || actor is null)
            {
                return await FailAsync("issue", refusal ?? notActor!);
            }

            var url = result.GetValue(consoleUrl) ?? new Uri(services.GetRequiredService<IOptions<ConsoleOptions>>().Value.PublicBase());
            var admin = services.GetRequiredService<KioskCredentialsAdmin>();
            var (outcome, issued) = await admin.IssueAsync(actor, target.Id, result.GetValue(label) ?? $"{target.Name} display", url, ct);
            if (issued is null)
            {
                return await FailAsync("issue", outcome.Message);
            }

            await output.WriteAsync(issued.FileText);
            if (issued.PinMissing)
            {
                await System.Console.Error.WriteLineAsync("kiosk issue: the console certificate (Console:CertificatePath) could not be read, so PIN is empty: the display will refuse to start until you add it.");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command List(string settingsHelp)
    {
        var room = RoomOption(required: false);
        var command = Sub("list", "Lists classroom display credentials (number, room, label, state, issued, last used). " + settingsHelp, room);
        command.SetAction((result, ct) => RunAsync(result, "list", async (services, output) =>
        {
            long? roomId = null;
            if (result.GetValue(room) is { } wanted)
            {
                var (target, refusal) = await FindRoomAsync(services, wanted, ct);
                if (target is null)
                {
                    return await FailAsync("list", refusal!);
                }

                roomId = target.Id;
            }

            var store = services.GetRequiredService<StateStore>();
            var clock = services.GetRequiredService<Classroom.SchoolClock>();
            string When(DateTimeOffset? at) => at is { } t ? clock.Local(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never";
            var credentials = await store.KioskCredentials.ListAsync(roomId, ct);
            await output.WriteLineAsync("number\troom\tlabel\tstate\tissued\tlast used");
            foreach (var c in credentials)
            {
                var state = c.RevokedAt is null ? "in use" : $"revoked {When(c.RevokedAt)} by {c.RevokedByName}";
                await output.WriteLineAsync($"{c.Id}\t{c.RoomName}\t{c.Label}\t{state}\t{When(c.IssuedAt)} by {c.IssuedByName}\t{When(c.LastUsedAt)}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Revoke(string settingsHelp)
    {
        var room = RoomOption(required: false);
        var label = new Option<string>("--label") { Description = "The display's label, with --room.", HelpName = "L" };
        var id = new Option<long?>("--id") { Description = "The credential's number, as 'kiosk list' shows it.", HelpName = "N" };
        var by = ByOption();
        var command = Sub("revoke", "Revokes a classroom display credential: the display leaves the room within a minute. " + settingsHelp, room, label, id, by);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(id) is null) == (r.GetValue(room) is null || r.GetValue(label) is null))
            {
                r.AddError("Say which display: --room NAME --label L, or --id N (from 'kiosk list').");
            }
        });
        command.SetAction((result, ct) => RunAsync(result, "revoke", async (services, output) =>
        {
            var (actor, notActor) = await ActorAsync(services, result.GetValue(by)!, ct);
            if (actor is null)
            {
                return await FailAsync("revoke", notActor!);
            }

            var store = services.GetRequiredService<StateStore>();
            KioskCredential? credential;
            if (result.GetValue(id) is { } number)
            {
                credential = await store.KioskCredentials.GetAsync(number, ct);
            }
            else
            {
                var (target, refusal) = await FindRoomAsync(services, result.GetValue(room)!, ct);
                if (target is null)
                {
                    return await FailAsync("revoke", refusal!);
                }

                var wanted = result.GetValue(label)!.Trim();
                credential = (await store.KioskCredentials.ListAsync(target.Id, ct)).FirstOrDefault(c => c.IsActive && string.Equals(c.Label, wanted, StringComparison.OrdinalIgnoreCase));
            }

            if (credential is null)
            {
                return await FailAsync("revoke", "no such classroom display in use ('kiosk list' shows them).");
            }

            var outcome = await services.GetRequiredService<KioskCredentialsAdmin>().RevokeAsync(actor, credential.RoomId, credential.Id, ct);
            if (!outcome.Succeeded)
            {
                return await FailAsync("revoke", outcome.Message);
            }

            await output.WriteLineAsync(outcome.Message);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    // Settings (--Section:Key=value) are left unmatched for the host's configuration, as on every command.
    private static Command Sub(string name, string description, params Option[] options)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        foreach (var option in options)
        {
            command.Add(option);
        }

        return command;
    }

    private static Option<string> RoomOption(bool required) => new("--room") { Description = "The room, by name or number.", HelpName = "NAME", Required = required };

    private static Option<string> ByOption() => new("--by")
    {
        Description = "The technician's or administrator's account it is recorded under in the audit log (default admin, the first administrator).",
        HelpName = "USER",
        DefaultValueFactory = _ => "admin",
    };

    private static T Fail<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    private static async Task<int> RunAsync(ParseResult result, string name, Func<IServiceProvider, TextWriter, Task<int>> run, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        await using var app = ReportCommand.BuildServices([.. result.UnmatchedTokens]);
        var state = app.Services.GetRequiredService<IOptions<StateOptions>>().Value;
        if (!File.Exists(state.Path))
        {
            await System.Console.Error.WriteLineAsync($"kiosk {name}: there is no state database at {state.Path} (set --State:Path=… to the appliance's database).");
            return ExitCodes.NoInput;
        }

        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            return await run(scope.ServiceProvider, result.InvocationConfiguration.Output);
        }
        catch (StateStoreException ex)
        {
            return await FailAsync(name, ex.Message);
        }
    }

    private static async Task<int> FailAsync(string name, string message)
    {
        await System.Console.Error.WriteLineAsync($"kiosk {name}: {message}");
        return ExitCodes.DataError;
    }

    private static async Task<(Room? Room, string? Refusal)> FindRoomAsync(IServiceProvider services, string wanted, CancellationToken ct)
    {
        var rooms = await services.GetRequiredService<StateStore>().Sites.ListRoomsAsync(null, ct);
        if (long.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && rooms.FirstOrDefault(r => r.Id == number) is { } byNumber)
        {
            return (byNumber, null);
        }

        var named = rooms.Where(r => string.Equals(r.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => (named[0], null),
            0 => (null, $"there is no room called '{wanted}'. Rooms: {string.Join(", ", rooms.Select(r => r.Name))}."),
            _ => (null, $"several rooms are called '{wanted}' (on different sites): give its number instead ({string.Join(", ", named.Select(r => r.Id))})."),
        };
    }

    private static async Task<(ConsoleUser? Actor, string? Refusal)> ActorAsync(IServiceProvider services, string userName, CancellationToken ct)
    {
        var account = await services.GetRequiredService<StateStore>().Users.FindByNameAsync(userName, ct);
        var actor = account is { Disabled: false } ? ConsoleUser.From(ConsoleUser.CreatePrincipal(account, services.GetRequiredService<TimeProvider>().GetUtcNow())) : null;
        return KioskCredentialsAdmin.MayManage(actor)
            ? (actor, null)
            : (null, $"--by '{userName}' must be an enabled technician or administrator account of this console.");
    }
}
