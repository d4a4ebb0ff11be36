using System.ComponentModel.DataAnnotations;
using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Safeguarding.Alerts;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Mail;

/// <summary>The e-mail field on a user's administration page.</summary>
public sealed class UserEmailForm
{
    /// <summary>The address, or empty for none.</summary>
    [EmailRule]
    public string? Email { get; set; }
}

/// <summary>Empty, or one e-mail address; the reason is shown next to the field.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EmailRuleAttribute : ValidationAttribute
{
    /// <inheritdoc/>
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => UserEmailAdmin.Problem(value as string) is { } problem ? new ValidationResult(problem, [validationContext.MemberName!]) : ValidationResult.Success;
}

/// <summary>
/// Sets a user's e-mail address (the safeguarding leads' receive danger alert e-mails). Checked on the server like every
/// administrative action: Technician or Administrator, and only an administrator changes an administrator's or a
/// safeguarding lead's address (a lead's danger alert e-mails go there: a technician must not be able to redirect
/// them); recorded in the admin audit, refusals too.
/// </summary>
public sealed class UserEmailAdmin(StateStore store, ILogger<UserEmailAdmin> logger)
{
    /// <summary>Why <paramref name="email"/> is refused, or null (empty is fine: no address).</summary>
    public static string? Problem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var text = email.Trim();
        return text.Length > MailAddresses.MaxLength ? $"Keep it to {MailAddresses.MaxLength} characters."
            : MailAddresses.IsValid(text) ? null
            : "Enter one e-mail address, like dsl@school.example (no name, no second address).";
    }

    /// <summary>The user's address now, or null.</summary>
    public async Task<string?> GetAsync(ConsoleUser actor, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.IsAdministration && (await store.Users.GetEmailsAsync(cancellationToken)).TryGetValue(userId, out var email) ? email : null;
    }

    /// <summary>Why <paramref name="actor"/> may not change this user's address (shown above the field), or null when they may.</summary>
    public async Task<string?> LockedAsync(ConsoleUser actor, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var target = await store.Users.GetAsync(userId, cancellationToken);
        return target is not null && target.IsIn(Role.SafeguardingLead) && !actor.IsAdministrator
            ? "Only an administrator can change a safeguarding lead's address: their danger alert e-mails go there."
            : null;
    }

    /// <summary>Sets or clears the address.</summary>
    public async Task<AdminResult> SetAsync(ConsoleUser actor, long userId, string? email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var account = await store.Users.GetAsync(actor.Id, cancellationToken);
        if (!actor.IsAdministration || account is not { Disabled: false } || !Policies.AdministrationRoles.Any(account.IsIn))
        {
            return AdminResult.Refused("Only a technician or administrator can do that.");
        }

        if (Problem(email) is { } problem)
        {
            return AdminResult.Refused(problem, nameof(UserEmailForm.Email));
        }

        var target = await store.Users.GetAsync(userId, cancellationToken);
        if (target is null)
        {
            return AdminResult.Refused("No such user.");
        }

        if (target.IsIn(Role.Administrator) && !actor.IsAdministrator)
        {
            return AdminResult.Refused("This is an administrator's account: only an administrator can change it.");
        }

        if (target.IsIn(Role.SafeguardingLead) && !actor.IsAdministrator)
        {
            // The lead's danger alert e-mails go to this address: whoever sets it could read or divert them.
            await store.AdminAudit.RecordAsync(actor.Id, "user.email", $"user '{target.UserName}'", "refused: a safeguarding lead's address is set by an administrator", cancellationToken);
            return AdminResult.Refused("This is a safeguarding lead's account: their danger alert e-mails go to this address, so only an administrator can change it.", nameof(UserEmailForm.Email));
        }

        var clear = string.IsNullOrWhiteSpace(email);
        if (await store.Users.SetEmailAsync(userId, clear ? null : email!.Trim(), cancellationToken) != UpdateUserOutcome.Updated)
        {
            return AdminResult.Refused("No such user.");
        }

        await store.AdminAudit.RecordAsync(actor.Id, "user.email", $"user '{target.UserName}'", clear ? "removed" : "set", cancellationToken);
        Log.AdminAction(logger, actor.UserName, "user.email", $"user {userId}");
        var alerts = target.IsIn(Role.SafeguardingLead) && !target.Disabled ? " They receive danger alert e-mails there." : string.Empty;
        return AdminResult.Done(clear ? $"{target.UserName} has no e-mail address now." : $"E-mail address of {target.UserName} saved.{alerts}");
    }
}
