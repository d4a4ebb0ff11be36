using System.Globalization;
using ClassroomGuard.Console.Classroom;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Unblocking;

/// <summary>A device of the room as a choice in the dialog.</summary>
/// <param name="Id">Device id (never shown).</param>
/// <param name="Name">Pupil and computer, or the computer's name.</param>
public sealed record UnblockTarget(long Id, string Name);

/// <summary>What the ask dialog needs.</summary>
/// <param name="RoomName">The room.</param>
/// <param name="Devices">Its devices, by name.</param>
/// <param name="LessonUntil">"11:20": when "for this lesson" would end if asked now.</param>
/// <param name="DayEnd">"16:00": the end of the school day.</param>
/// <param name="DayOver">True after the end of the school day (nothing can be asked).</param>
public sealed record UnblockFormView(string RoomName, IReadOnlyList<UnblockTarget> Devices, string LessonUntil, string DayEnd, bool DayOver);

/// <summary>What came of asking: the request, or the sentences to show next to the fields (keys: <see cref="UnblockAsk"/>'s property names).</summary>
/// <param name="Ok">Whether the request was made.</param>
/// <param name="Message">What happened, or why not.</param>
/// <param name="Problems">Field name → sentence.</param>
public sealed record UnblockAskResult(bool Ok, string Message, IReadOnlyDictionary<string, string> Problems);

/// <summary>Where a request is, for the person who reads it.</summary>
public enum UnblockState
{
    /// <summary>Waiting for a decision.</summary>
    Waiting,

    /// <summary>Approved, and open now.</summary>
    Open,

    /// <summary>Approved, and closed by itself since.</summary>
    Closed,

    /// <summary>Refused by an approver.</summary>
    Refused,

    /// <summary>Withdrawn by the teacher who asked.</summary>
    Withdrawn,

    /// <summary>Nobody decided before its time passed.</summary>
    Lapsed,
}

/// <summary>One request as its teacher sees it on the room page.</summary>
/// <param name="Id">Request id (never shown).</param>
/// <param name="Domain">The site.</param>
/// <param name="Target">"the whole room" or the device.</param>
/// <param name="Length">"10:20 to 11:20".</param>
/// <param name="Reason">The teacher's reason.</param>
/// <param name="State">Where it is.</param>
/// <param name="Status">"Waiting for …", "Approved by …: open until 11:20", "Refused by …: reason".</param>
public sealed record MyUnblockRequest(long Id, string Domain, string Target, string Length, string Reason, UnblockState State, string Status);

/// <summary>An unblock open now in the room: "poki.com open for this room until 11:20".</summary>
/// <param name="Domain">The site.</param>
/// <param name="Target">"this room" or the device.</param>
/// <param name="Until">"11:20".</param>
/// <param name="Ends">When it closes (the panel stops showing it then).</param>
public sealed record OpenUnblockLine(string Domain, string Target, string Until, DateTimeOffset Ends);

/// <summary>The room page's unblock panel.</summary>
/// <param name="Open">Unblocks open in the room now.</param>
/// <param name="Mine">The user's requests for the room today.</param>
public sealed record RoomUnblocks(IReadOnlyList<OpenUnblockLine> Open, IReadOnlyList<MyUnblockRequest> Mine);

/// <summary>A request waiting for a decision, on the approvals page.</summary>
/// <param name="Id">Request id (never shown).</param>
/// <param name="Who">Who asked.</param>
/// <param name="Where">Room, or device and room.</param>
/// <param name="Domain">The site.</param>
/// <param name="Reason">Why.</param>
/// <param name="Length">"10:20 to 11:20 (1 hour)".</param>
/// <param name="Asked">"10:21".</param>
/// <param name="Own">True when the viewer asked for it (someone else must decide).</param>
public sealed record PendingUnblock(long Id, string Who, string Where, string Domain, string Reason, string Length, string Asked, bool Own);

/// <summary>A request decided today, on the approvals page.</summary>
/// <param name="Id">Request id (never shown).</param>
/// <param name="Who">Who asked.</param>
/// <param name="Where">Room, or device and room.</param>
/// <param name="Domain">The site.</param>
/// <param name="Reason">Why.</param>
/// <param name="Length">"10:20 to 11:20 (1 hour)".</param>
/// <param name="State">Approved (open or closed), refused or withdrawn.</param>
/// <param name="Decision">"Approved by Mrs Patel at 10:25" and their comment.</param>
public sealed record DecidedUnblock(long Id, string Who, string Where, string Domain, string Reason, string Length, UnblockState State, string Decision);

/// <summary>The approvals page.</summary>
/// <param name="Pending">Waiting, oldest first.</param>
/// <param name="Decided">Decided today, newest first.</param>
public sealed record UnblockApprovals(IReadOnlyList<PendingUnblock> Pending, IReadOnlyList<DecidedUnblock> Decided);

/// <summary>What came of a decision.</summary>
/// <param name="Ok">Whether it was recorded.</param>
/// <param name="Message">What happened, or why not.</param>
/// <param name="FieldProblem">The sentence for the comment field (a refusal without a reason), if that is the problem.</param>
public sealed record UnblockDecision(bool Ok, string Message, string? FieldProblem = null);

/// <summary>
/// Teachers' unblock requests: a teacher asks from the room page (<see cref="AskAsync"/>: only for a room they may use,
/// per <see cref="RoomAccess"/>), which is a change-control proposal of a temporary unblock; the safeguarding lead, a
/// technician or an administrator approves or refuses it (<see cref="DecideAsync"/>; never the one who asked); an
/// approved one opens the site for that room or device until its end, when the DNS filter closes it by itself. Every
/// call checks the caller's rights on the server. The views are built from the shared <see cref="UnblockBoard"/>.
/// </summary>
internal sealed class UnblockService(StateStore store, RoomAccess access, UnblockTimes times, UnblockFeed feed, ILogger<UnblockService> logger)
{
    /// <summary>Said when the user may not ask in the room (or it does not exist): the two are not told apart.</summary>
    public const string NotYourRoom = "You can only ask for sites in the rooms you teach in.";

    /// <summary>Said to anyone without an approver's role.</summary>
    public const string NotAnApprover = "Only the safeguarding lead, a technician or an administrator decides unblock requests.";

    /// <summary>Whether <paramref name="user"/> decides unblock requests.</summary>
    public static bool IsApprover(ConsoleUser? user) => user is not null && Policies.UnblockApprovalRoles.Any(user.Roles.Contains);

    /// <summary>Whether <paramref name="user"/> may ask for sites in the room.</summary>
    public Task<bool> MayAskAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken) => access.CanTeachInRoomAsync(user, roomId, cancellationToken);

    /// <summary>The dialog's data, or null when <paramref name="user"/> may not ask in the room.</summary>
    public async Task<UnblockFormView?> FormAsync(ConsoleUser? user, long roomId, CancellationToken cancellationToken)
    {
        if (!await access.CanTeachInRoomAsync(user, roomId, cancellationToken) || await store.Sites.GetRoomAsync(roomId, cancellationToken) is not { } room)
        {
            return null;
        }

        var devices = (await store.Devices.ListAsync(roomId, cancellationToken))
            .Select(d => new UnblockTarget(d.Id, LessonFocus.NameOf(d)))
            .OrderBy(d => d.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        var now = times.Now;
        return new UnblockFormView(room.Name, devices, times.Time(times.LessonEnd(now)), times.DayEndText, now >= times.DayEnd(now));
    }

    /// <summary>Asks for the site for the room or one of its devices, if <paramref name="user"/> may use the room and the values are good.</summary>
    public async Task<UnblockAskResult> AskAsync(ConsoleUser? user, long roomId, UnblockAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (user is null)
        {
            return new UnblockAskResult(false, "Your session has ended. Sign in again.", Empty);
        }

        if (!await access.CanTeachInRoomAsync(user, roomId, cancellationToken) || await store.Sites.GetRoomAsync(roomId, cancellationToken) is not { } room)
        {
            Log.UnblockAskRefused(logger, user.UserName, roomId, "room not allowed");
            return new UnblockAskResult(false, NotYourRoom, Empty);
        }

        var problems = new Dictionary<string, string>();
        var now = times.Now;
        var (site, domainProblem) = UnblockAskRules.Domain(ask.Domain);
        Add(problems, nameof(UnblockAsk.Domain), domainProblem);
        Add(problems, nameof(UnblockAsk.Reason), UnblockAskRules.Reason(ask.Reason));
        var (until, endProblem) = UnblockAskRules.End(ask, times, now);
        Add(problems, ask.ForLesson ? nameof(UnblockAsk.ForLesson) : nameof(UnblockAsk.Until), endProblem);
        Device? device = null;
        if (ask.DeviceId is { } deviceId && ((device = await store.Devices.GetAsync(deviceId, cancellationToken)) is null || device.RoomId != roomId))
        {
            Add(problems, nameof(UnblockAsk.DeviceId), $"That device is not in {room.Name} any more: choose again.");
        }

        if (problems.Count > 0)
        {
            Log.UnblockAskRefused(logger, user.UserName, roomId, "bad values: " + string.Join(", ", problems.Keys));
            return new UnblockAskResult(false, "Check the form: " + problems.Values.First(), problems);
        }

        var scope = device is null ? ActionScope.Room : ActionScope.Device;
        var result = await store.UnblockRequests.RequestAsync(
            new NewUnblockRequest(user.Id, site!, ask.Reason!.Trim(), scope, device?.Id, device is null ? roomId : null, now, until!.Value), cancellationToken);
        if (result.Request is not { } request)
        {
            Log.UnblockAskRefused(logger, user.UserName, roomId, result.Refusal?.ToString() ?? "refused");
            return new UnblockAskResult(false, result.Refusal == ChangeRefusal.NotPermitted
                ? "Your account may not ask for unblocks."
                : "The request was not made: " + result.Detail, Empty);
        }

        Log.UnblockAsked(logger, user.UserName, site!, roomId, until.Value, request.Id);
        feed.Poke();
        var target = device is null ? room.Name : LessonFocus.NameOf(device);
        return new UnblockAskResult(true, $"Asked: {site} for {target} until {times.Time(until.Value)}. The safeguarding lead or a technician decides; the answer appears here.", Empty);
    }

    /// <summary>The room page's panel for <paramref name="user"/> (who may use the room: the page checked) from the shared board.</summary>
    public RoomUnblocks Room(ConsoleUser user, long roomId, UnblockBoard board, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(board);
        var open = board.Open
            .Where(o => o.RoomId == roomId && o.Ends > now)
            .OrderBy(o => o.Target == "this room" ? 0 : 1).ThenBy(o => o.Domain, StringComparer.Ordinal)
            .Select(o => new OpenUnblockLine(o.Domain, o.Target, times.Time(o.Ends), o.Ends))
            .ToList();
        var mine = board.Requests
            .Where(r => r.Request.RequestedBy == user.Id && r.RoomId == roomId)
            .OrderByDescending(r => r.Request.Id)
            .Select(r => new MyUnblockRequest(
                r.Request.Id, r.Request.Domain, r.Target, Length(r.Request, now), r.Request.Reason, StateOf(r, now), TeacherStatus(r, now)))
            .ToList();
        return new RoomUnblocks(open, mine);
    }

    /// <summary>The approvals page from the shared board, or null when <paramref name="user"/> does not decide requests.</summary>
    public UnblockApprovals? Approvals(ConsoleUser? user, UnblockBoard board, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(board);
        if (!IsApprover(user))
        {
            return null;
        }

        var pending = board.PendingAt(now)
            .Select(r => new PendingUnblock(r.Request.Id, r.Detail.RequestedByName, r.Where, r.Request.Domain, r.Request.Reason,
                Length(r.Request, now), times.When(r.Request.CreatedAt, now), r.Request.RequestedBy == user!.Id))
            .ToList();
        var decided = board.Requests
            .Where(r => r.Request.DecidedAt is { } at && times.IsToday(at, now))
            .OrderByDescending(r => r.Request.DecidedAt)
            .Select(r => new DecidedUnblock(r.Request.Id, r.Detail.RequestedByName, r.Where, r.Request.Domain, r.Request.Reason,
                Length(r.Request, now), StateOf(r, now), Decision(r, now)))
            .ToList();
        return new UnblockApprovals(pending, decided);
    }

    /// <summary>How many requests wait for <paramref name="user"/>'s kind of decision (0 for anyone who does not decide them).</summary>
    public static int PendingCount(ConsoleUser? user, UnblockBoard board, DateTimeOffset now)
        => IsApprover(user) ? board.PendingAt(now).Count() : 0;

    /// <summary>Approves (with an optional comment) or refuses (with a required reason) a request.</summary>
    public async Task<UnblockDecision> DecideAsync(ConsoleUser? user, long requestId, bool approve, string? text, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            return new UnblockDecision(false, "Your session has ended. Sign in again.");
        }

        var verb = approve ? "approved" : "refused";
        if (!IsApprover(user))
        {
            Log.UnblockDecisionRefused(logger, user.UserName, requestId, "not an approver");
            return new UnblockDecision(false, NotAnApprover);
        }

        if (!approve && string.IsNullOrWhiteSpace(text))
        {
            return new UnblockDecision(false, "Say why it is refused.", "Say why it is refused: the teacher reads this.");
        }

        if (text?.Trim().Length > UnblockAskRules.MaxReason)
        {
            return new UnblockDecision(false, "Keep it shorter.", string.Create(CultureInfo.InvariantCulture, $"Keep it under {UnblockAskRules.MaxReason} characters."));
        }

        var comment = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var result = approve
            ? await store.UnblockRequests.ApproveAsync(requestId, user.Id, comment, cancellationToken)
            : await store.UnblockRequests.RefuseAsync(requestId, user.Id, comment!, cancellationToken);
        feed.Poke();
        if (!result.Succeeded)
        {
            Log.UnblockDecisionRefused(logger, user.UserName, requestId, result.Refusal?.ToString() ?? "refused");
            return new UnblockDecision(false, Refusal(result.Refusal));
        }

        Log.UnblockDecided(logger, user.UserName, verb, requestId);
        var request = await store.UnblockRequests.GetAsync(requestId, cancellationToken);
        return new UnblockDecision(true, approve
            ? $"Approved: {request?.Domain} is open until {(request is null ? "its end" : times.Time(request.LessonEnd))}, then closes by itself."
            : $"Refused: the teacher sees your reason on the room page.");
    }

    /// <summary>What the change-control log records as the reason when a teacher withdraws their own request.</summary>
    public const string WithdrawnComment = "Withdrawn by the teacher who asked: no longer needed.";

    /// <summary>
    /// Withdraws <paramref name="user"/>'s own waiting request: only the teacher who asked may (anyone else is refused here,
    /// whatever their role); the store records it as a rejection by the proposer, which the change log shows as withdrawn.
    /// </summary>
    public async Task<UnblockDecision> WithdrawAsync(ConsoleUser? user, long requestId, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            return new UnblockDecision(false, "Your session has ended. Sign in again.");
        }

        var request = await store.UnblockRequests.GetAsync(requestId, cancellationToken);
        if (request is null || request.RequestedBy != user.Id)
        {
            Log.UnblockWithdrawRefused(logger, user.UserName, requestId, request is null ? "no such request" : "not the requester");
            return new UnblockDecision(false, "Only the teacher who asked can withdraw a request.");
        }

        if (request.Status != UnblockRequestStatus.Pending)
        {
            Log.UnblockWithdrawRefused(logger, user.UserName, requestId, "already decided");
            return new UnblockDecision(false, "It has been decided already: the list shows the answer.");
        }

        var result = await store.UnblockRequests.RefuseAsync(requestId, user.Id, WithdrawnComment, cancellationToken);
        feed.Poke();
        if (!result.Succeeded)
        {
            Log.UnblockWithdrawRefused(logger, user.UserName, requestId, result.Refusal?.ToString() ?? "refused");
            return new UnblockDecision(false, result.Refusal is ChangeRefusal.NotPending or ChangeRefusal.NotFound
                ? "It has been decided already: the list shows the answer."
                : Refusal(result.Refusal));
        }

        Log.UnblockWithdrawn(logger, user.UserName, requestId);
        return new UnblockDecision(true, $"Withdrawn: nobody needs to decide {request.Domain} now.");
    }

    /// <summary>The store's refusal in words.</summary>
    public static string Refusal(ChangeRefusal? refusal) => refusal switch
    {
        ChangeRefusal.SameUser => "You asked for this unblock yourself: someone else (the safeguarding lead, a technician or an administrator) must decide it.",
        ChangeRefusal.NotPending or ChangeRefusal.NotFound => "Someone else has decided it already: the list shows their decision.",
        ChangeRefusal.Stale or ChangeRefusal.Invalid => "It can no longer be approved: its time has passed, or the room or device is gone. The teacher can ask again.",
        ChangeRefusal.AlwaysOnCategory => "That site is on an always-on list (child abuse or terrorism): nobody can unblock it.",
        ChangeRefusal.NotPermitted => NotAnApprover,
        ChangeRefusal.UserDisabled or ChangeRefusal.UnknownUser => "Your account cannot decide requests any more: ask an administrator.",
        _ => "It was not recorded: try again.",
    };

    private static readonly Dictionary<string, string> Empty = [];

    private static void Add(Dictionary<string, string> problems, string field, string? problem)
    {
        if (problem is not null)
        {
            problems[field] = problem;
        }
    }

    private static UnblockState StateOf(UnblockItem item, DateTimeOffset now) => item.Request.Status switch
    {
        UnblockRequestStatus.Approved => item.Request.LessonEnd > now ? UnblockState.Open : UnblockState.Closed,
        UnblockRequestStatus.Refused => item.Request.DecidedBy == item.Request.RequestedBy ? UnblockState.Withdrawn : UnblockState.Refused,
        _ => item.Request.LessonEnd > now ? UnblockState.Waiting : UnblockState.Lapsed,
    };

    private string TeacherStatus(UnblockItem item, DateTimeOffset now)
    {
        var decider = item.Detail.DecidedByName ?? "an approver";
        var comment = item.Detail.DecisionComment is { Length: > 0 } c ? c : null;
        return StateOf(item, now) switch
        {
            UnblockState.Open => $"Approved by {decider}: open until {times.Time(item.Request.LessonEnd)}" + (comment is null ? "" : $" ({comment})"),
            UnblockState.Closed => $"Approved by {decider}; closed at {times.Time(item.Request.LessonEnd)}",
            UnblockState.Refused => $"Refused by {decider}: {comment ?? "no reason given"}",
            UnblockState.Withdrawn => "Withdrawn by you",
            UnblockState.Lapsed => $"Not decided before {times.Time(item.Request.LessonEnd)}: ask again if the class still needs it",
            _ => "Waiting for the safeguarding lead or a technician",
        };
    }

    private string Decision(UnblockItem item, DateTimeOffset now)
    {
        var by = item.Detail.DecidedByName ?? "someone no longer on record";
        var at = item.Request.DecidedAt is { } when ? times.Time(when) : "?";
        var comment = item.Detail.DecisionComment is { Length: > 0 } c ? c : null;
        return StateOf(item, now) switch
        {
            UnblockState.Open => $"Approved by {by} at {at}; open until {times.Time(item.Request.LessonEnd)}" + (comment is null ? "" : $": {comment}"),
            UnblockState.Closed => $"Approved by {by} at {at}; closed at {times.Time(item.Request.LessonEnd)}" + (comment is null ? "" : $": {comment}"),
            UnblockState.Withdrawn => $"Withdrawn by {by} at {at}",
            _ => $"Refused by {by} at {at}: {comment ?? "no reason given"}",
        };
    }

    private string Length(UnblockRequest request, DateTimeOffset now)
    {
        var minutes = (int)Math.Round((request.LessonEnd - request.LessonStart).TotalMinutes);
        var span = minutes < 60 ? $"{minutes} minutes"
            : minutes % 60 == 0 ? (minutes == 60 ? "1 hour" : $"{minutes / 60} hours")
            : $"{minutes / 60} h {minutes % 60:00} min";
        return $"{times.When(request.LessonStart, now)} to {times.When(request.LessonEnd, now)} ({span})";
    }
}
