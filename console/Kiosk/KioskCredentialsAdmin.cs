using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Kiosk;

/// <summary>A display credential as the "Classroom displays" panel lists it: words only, no ids or hashes shown.</summary>
/// <param name="Id">For the revoke button only.</param>
/// <param name="Label">Its label.</param>
/// <param name="Issued">"Alex Tech, Mon 7 Dec 2026, 15:30".</param>
/// <param name="LastUsed">When the display last signed in, or "Never".</param>
/// <param name="State">"In use" or "Revoked by …, …".</param>
/// <param name="Active">Not revoked.</param>
internal sealed record DisplayRow(long Id, string Label, string Issued, string LastUsed, string State, bool Active);

/// <summary>A credential just issued: the file's text, shown once.</summary>
/// <param name="Label">Its label.</param>
/// <param name="FileText">The text of <see cref="KioskFile.FileName"/>.</param>
/// <param name="PinMissing">The certificate could not be read: the PIN line is empty.</param>
internal sealed record IssuedDisplay(string Label, string FileText, bool PinMissing);

/// <summary>
/// Issues, lists and revokes classroom display credentials, for the room page's panel and the <c>kiosk</c> command.
/// Only technicians and administrators (the people who manage rooms and enrolment) may; checked here on the server.
/// </summary>
internal sealed class KioskCredentialsAdmin(
    StateStore store, EnrolmentCommand pins, AdminQueries words, IOptions<StateOptions> state, IOptions<ConsoleOptions> options, ILogger<KioskCredentialsAdmin> logger)
{
    /// <summary>Said to anyone else.</summary>
    public const string NotAllowed = "Only technicians and administrators manage classroom displays.";

    /// <summary>Whether <paramref name="user"/> manages display credentials (a person with the administration roles).</summary>
    public static bool MayManage(ConsoleUser? user) => user is { Display: null, IsAdministration: true };

    /// <summary>The room's credentials, live first; empty for anyone who may not manage them.</summary>
    public async Task<IReadOnlyList<DisplayRow>> ListAsync(ConsoleUser? actor, long roomId, CancellationToken cancellationToken)
    {
        if (!MayManage(actor))
        {
            return [];
        }

        return (await store.KioskCredentials.ListAsync(roomId, cancellationToken))
            .Select(c => new DisplayRow(
                c.Id, c.Label, $"{c.IssuedByName}, {words.When(c.IssuedAt)}", c.LastUsedAt is { } used ? words.When(used) : "Never",
                c.RevokedAt is { } at ? $"Revoked by {c.RevokedByName}, {words.When(at)}" : "In use", c.IsActive))
            .ToList();
    }

    /// <summary>
    /// Issues a credential for the room. The file's CONSOLE is <c>Console:PublicUrl</c> when set, else
    /// <paramref name="consoleUrl"/> (the address the technician is using, or the command's <c>--console-url</c>).
    /// </summary>
    public async Task<(AdminResult Result, IssuedDisplay? Issued)> IssueAsync(ConsoleUser? actor, long roomId, string? label, Uri consoleUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoleUrl);
        if (!MayManage(actor))
        {
            return (AdminResult.Refused(NotAllowed), null);
        }

        var (outcome, issued) = await store.KioskCredentials.IssueAsync(roomId, label ?? string.Empty, actor!.Id, cancellationToken);
        switch (outcome)
        {
            case KioskIssueOutcome.BadLabel:
                return (AdminResult.Refused($"Give the display a name of 1 to {KioskCredential.MaxLabelLength} characters, such as \u201cRoom 3 display\u201d.", AdminFields.Name), null);
            case KioskIssueOutcome.LabelTaken:
                return (AdminResult.Refused($"This room already has a display called \u201c{label!.Trim()}\u201d. Choose another name, or revoke that one first.", AdminFields.Name), null);
            case KioskIssueOutcome.NoSuchRoom or KioskIssueOutcome.NoSuchUser:
                return (AdminResult.Refused("That room no longer exists. Reload the page."), null);
        }

        var credential = issued!.Credential;
        var console = PublicUrl() ?? consoleUrl;
        var pin = pins.Pin();
        var text = KioskFile.Text(credential.RoomName, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(credential.IssuedAt, TimeZoneInfo.FindSystemTimeZoneById(state.Value.TimeZone)).DateTime), credential.IssuedByName, console, issued.Text, pin);
        Log.DisplayIssued(logger, actor.UserName, credential.Label, roomId);
        return (AdminResult.Done($"Classroom display \u201c{credential.Label}\u201d issued. Copy or download its file now: it is shown only this once."),
            new IssuedDisplay(credential.Label, text, pin is null));
    }

    /// <summary>Revokes a credential of the room: its display is signed out at its next request or page check.</summary>
    public async Task<AdminResult> RevokeAsync(ConsoleUser? actor, long roomId, long credentialId, CancellationToken cancellationToken)
    {
        if (!MayManage(actor))
        {
            return AdminResult.Refused(NotAllowed);
        }

        var credential = await store.KioskCredentials.GetAsync(credentialId, cancellationToken);
        if (credential is null || credential.RoomId != roomId || !await store.KioskCredentials.RevokeAsync(credentialId, actor!.Id, cancellationToken))
        {
            return AdminResult.Refused("That display credential was already revoked, or no longer exists. Reload the page.");
        }

        Log.DisplayRevoked(logger, actor.UserName, credential.Label, roomId);
        return AdminResult.Done($"Classroom display \u201c{credential.Label}\u201d revoked: it stops showing the room within a minute.");
    }

    private Uri? PublicUrl() => string.IsNullOrWhiteSpace(options.Value.PublicUrl) ? null : new Uri(options.Value.PublicBase());
}
