using ClassroomGuard.Console.Hosting;
using ClassroomGuard.Console.Security;
using ClassroomGuard.Storage.State;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Console.Administration;

/// <summary>
/// Every administrative action the pages offer, checked on the server whatever the page showed: the actor must
/// hold Technician or Administrator, only an administrator may grant the Administrator role or change an
/// administrator's account, nobody may disable themselves, and the store refuses to lose the last administrator.
/// Each action that succeeds is written to the admin audit (who, when, what) and logged.
/// </summary>
internal sealed class AdminActions(StateStore store, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<AdminActions> logger)
{
    public async Task<AdminResult> CreateUserAsync(
        ConsoleUser actor, string? userName, string? displayName, IReadOnlyList<Role> roles, string? password, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var problem = Invalid(AdminValidation.UserName(userName), AdminFields.UserName)
            ?? Invalid(AdminValidation.Name(displayName, "display name"), AdminFields.DisplayName)
            ?? Invalid(roles.Count == 0 ? "Tick at least one role." : null, AdminFields.Roles)
            ?? Invalid(roles.Contains(Role.Administrator) && !actor.IsAdministrator ? "Only an administrator can make someone an administrator." : null, AdminFields.Roles)
            ?? Invalid(AdminValidation.Password(password, userName), AdminFields.Password);
        if (problem is not null)
        {
            return problem;
        }

        // The administrator chose this password, so the new user must choose their own at first sign-in.
        var (outcome, user) = await store.Users.CreateUserAsync(userName!.Trim(), displayName!.Trim(), roles, password!, mustChangePassword: true, cancellationToken);
        return outcome switch
        {
            CreateUserOutcome.Created => await AuditAsync(actor, "user.create", $"user '{user!.UserName}'", "roles " + string.Join(", ", user.Roles), $"Created {user.UserName}. They will choose their own password when they first sign in.", cancellationToken),
            CreateUserOutcome.UserNameTaken => AdminResult.Refused($"A user named '{userName.Trim()}' already exists.", AdminFields.UserName),
            CreateUserOutcome.PasswordTooShort => AdminResult.Refused(AdminValidation.Password(string.Empty, null)!, AdminFields.Password),
            _ => AdminResult.Refused("Tick at least one role.", AdminFields.Roles),
        };
    }

    public async Task<AdminResult> SetRolesAsync(ConsoleUser actor, long userId, IReadOnlyList<Role> roles, CancellationToken cancellationToken)
    {
        var (target, refusal) = await TargetAsync(actor, userId, cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        if (roles.Count == 0)
        {
            return AdminResult.Refused("Tick at least one role (to stop someone signing in, disable the account).", AdminFields.Roles);
        }

        if (roles.Contains(Role.Administrator) != target.IsIn(Role.Administrator) && !actor.IsAdministrator)
        {
            return AdminResult.Refused("Only an administrator can grant or remove the Administrator role.", AdminFields.Roles);
        }

        return await store.Users.SetRolesAsync(userId, roles, cancellationToken) switch
        {
            UpdateUserOutcome.Updated => await AuditAsync(actor, "user.roles", $"user '{target.UserName}'", "roles " + string.Join(", ", roles), $"{target.UserName} now holds: {RoleNames.List(roles)}.", cancellationToken),
            UpdateUserOutcome.LastAdministrator => AdminResult.Refused($"{target.UserName} is the last enabled administrator: make someone else an administrator first.", AdminFields.Roles),
            _ => AdminResult.Refused("No such user."),
        };
    }

    public async Task<AdminResult> SetDisabledAsync(ConsoleUser actor, long userId, bool disabled, CancellationToken cancellationToken)
    {
        var (target, refusal) = await TargetAsync(actor, userId, cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        if (disabled && target.Id == actor.Id)
        {
            return AdminResult.Refused("You cannot disable your own account.");
        }

        return await store.Users.SetDisabledAsync(userId, disabled, cancellationToken) switch
        {
            UpdateUserOutcome.Updated => await AuditAsync(actor, disabled ? "user.disable" : "user.enable", $"user '{target.UserName}'", string.Empty, disabled ? $"{target.UserName} is disabled and signed out." : $"{target.UserName} can sign in again.", cancellationToken),
            UpdateUserOutcome.LastAdministrator => AdminResult.Refused($"{target.UserName} is the last enabled administrator and cannot be disabled."),
            _ => AdminResult.Refused("No such user."),
        };
    }

    public async Task<AdminResult> ResetPasswordAsync(ConsoleUser actor, long userId, string? password, CancellationToken cancellationToken)
    {
        var (target, refusal) = await TargetAsync(actor, userId, cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        if (AdminValidation.Password(password, target.UserName) is { } problem)
        {
            return AdminResult.Refused(problem, AdminFields.Password);
        }

        return await store.Users.SetPasswordAsync(userId, password!, mustChangePassword: true, cancellationToken) switch
        {
            UpdateUserOutcome.Updated => await AuditAsync(actor, "user.password_reset", $"user '{target.UserName}'", string.Empty, $"Password of {target.UserName} reset; any lockout is cleared and they must choose their own at next sign-in.", cancellationToken),
            _ => AdminResult.Refused("No such user."),
        };
    }

    public async Task<AdminResult> CreateSiteAsync(ConsoleUser actor, string? name, CancellationToken cancellationToken)
    {
        if ((await DenyAsync(actor, cancellationToken) ?? Invalid(AdminValidation.Name(name, "site name"), AdminFields.Name)) is { } refused)
        {
            return refused;
        }

        var sites = await store.Sites.ListSitesAsync(cancellationToken);
        if (sites.Any(s => string.Equals(s.Name, name!.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            return AdminResult.Refused($"A site named '{name!.Trim()}' already exists.", AdminFields.Name);
        }

        var site = await store.Sites.CreateSiteAsync(name!.Trim(), cancellationToken);
        return await AuditAsync(actor, "site.create", $"site '{site.Name}'", string.Empty, $"Site {site.Name} added.", cancellationToken);
    }

    public async Task<AdminResult> CreateRoomAsync(ConsoleUser actor, long siteId, string? name, CancellationToken cancellationToken)
    {
        if ((await DenyAsync(actor, cancellationToken) ?? Invalid(AdminValidation.Name(name, "room name"), AdminFields.Name)) is { } refused)
        {
            return refused;
        }

        var site = (await store.Sites.ListSitesAsync(cancellationToken)).FirstOrDefault(s => s.Id == siteId);
        if (site is null)
        {
            return AdminResult.Refused("Choose the site the room is on (add a site first if there is none).", AdminFields.SiteId);
        }

        var rooms = await store.Sites.ListRoomsAsync(siteId, cancellationToken);
        if (rooms.Any(r => string.Equals(r.Name, name!.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            return AdminResult.Refused($"A room named '{name!.Trim()}' already exists on {site.Name}.", AdminFields.Name);
        }

        var room = await store.Sites.CreateRoomAsync(siteId, name!.Trim(), cancellationToken);
        return await AuditAsync(actor, "room.create", $"room '{room.Name}'", $"site '{site.Name}'", $"Room {room.Name} added to {site.Name}.", cancellationToken);
    }

    public async Task<AdminResult> AddDeviceAsync(ConsoleUser actor, string? mac, string? ip, string? hostname, long? roomId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var name = string.IsNullOrWhiteSpace(hostname) ? null : hostname.Trim();
        if (name is not null && AdminValidation.Name(name, "device name") is { } bad)
        {
            return AdminResult.Refused(bad, AdminFields.Name);
        }

        long id;
        try
        {
            id = await store.Devices.ObserveAsync(
                new DeviceObservation(time.GetUtcNow(), DeviceSource.Manual, Mac: Blank(mac), Ip: Blank(ip), Hostname: name), cancellationToken);
        }
        catch (ArgumentException)
        {
            return AdminResult.Refused("Enter the device's MAC address (like 3c:22:fb:12:34:56) or IP address (like 10.1.20.31), or both.", AdminFields.Address);
        }

        if (roomId is { } room)
        {
            await store.Devices.SetRoomAsync(id, room, cancellationToken);
        }

        var label = name ?? Blank(mac) ?? Blank(ip);
        return await AuditAsync(actor, "device.add", $"device '{label}'", $"mac {Blank(mac) ?? "-"}, ip {Blank(ip) ?? "-"}, name {name ?? "-"}", $"Device {label} added.", cancellationToken);
    }

    public async Task<AdminResult> SetDeviceRoomAsync(ConsoleUser actor, long deviceId, long? roomId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var room = roomId is null ? null : (await store.Sites.ListRoomsAsync(null, cancellationToken)).FirstOrDefault(r => r.Id == roomId);
        if (roomId is not null && room is null)
        {
            return AdminResult.Refused("No such room.");
        }

        var device = await store.Devices.GetAsync(deviceId, cancellationToken);
        if (device is null || !await store.Devices.SetRoomAsync(deviceId, roomId, cancellationToken))
        {
            return AdminResult.Refused("No such device.");
        }

        var label = DeviceLabel(device);
        return await AuditAsync(actor, "device.room", $"device '{label}'", room is null ? "no room" : $"room '{room.Name}'", room is null ? $"{label} taken out of its room." : $"{label} put in {room.Name}.", cancellationToken);
    }

    /// <summary>
    /// Removes a room. Its devices stay in the inventory without a room and its enrolment tokens stop working; the
    /// page asks for confirmation first.
    /// </summary>
    public async Task<AdminResult> RemoveRoomAsync(ConsoleUser actor, long roomId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        var room = (await store.Sites.ListRoomsAsync(null, cancellationToken)).FirstOrDefault(r => r.Id == roomId);
        var site = room is null ? null : (await store.Sites.ListSitesAsync(cancellationToken)).FirstOrDefault(s => s.Id == room.SiteId);
        if (room is null || !await store.Sites.RemoveRoomAsync(roomId, cancellationToken))
        {
            return AdminResult.Refused("No such room: it may have been removed already.");
        }

        return await AuditAsync(actor, "room.remove", $"room '{room.Name}'", site is null ? string.Empty : $"site '{site.Name}'", $"Room {room.Name} removed. Its devices are kept without a room.", cancellationToken);
    }

    /// <summary>Filtering group is policy: it is proposed through change control and applies when someone else approves it.</summary>
    public async Task<AdminResult> ProposeDeviceGroupAsync(ConsoleUser actor, long deviceId, string? groupKey, string? reason, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return AdminResult.Refused("Say why the device's filtering group should change: the reason goes in the change-control log.", AdminFields.Reason);
        }

        if (reason.Trim().Length > AdminValidation.MaxReasonLength)
        {
            return AdminResult.Refused($"A reason is at most {AdminValidation.MaxReasonLength} characters.", AdminFields.Reason);
        }

        var result = await store.ChangeControl.ProposeAsync(actor.Id, new SetDeviceGroupChange(deviceId, string.IsNullOrEmpty(groupKey) ? null : groupKey), reason.Trim(), cancellationToken);
        if (!result.Succeeded)
        {
            return AdminResult.Refused(result.Detail ?? "The change was refused.");
        }

        Log.AdminAction(logger, actor.UserName, "device.group.propose", $"device {deviceId}");
        return AdminResult.Done($"Change {result.Entry!.ChangeId} proposed: it applies once another technician or administrator approves it under Approvals.");
    }

    public async Task<AdminResult> DecideChangeAsync(ConsoleUser actor, long changeId, bool approve, string? comment, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (!approve && string.IsNullOrWhiteSpace(comment))
        {
            return AdminResult.Refused("Say why the change is rejected: the reason goes in the change-control log.", AdminFields.Comment);
        }

        if (comment?.Trim().Length > AdminValidation.MaxReasonLength)
        {
            return AdminResult.Refused($"A comment is at most {AdminValidation.MaxReasonLength} characters.", AdminFields.Comment);
        }

        var result = approve
            ? await store.ChangeControl.ApproveAsync(actor.Id, changeId, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), cancellationToken)
            : await store.ChangeControl.RejectAsync(actor.Id, changeId, comment!.Trim(), cancellationToken);
        if (!result.Succeeded)
        {
            return AdminResult.Refused(result.Refusal == ChangeRefusal.SameUser
                ? $"You proposed change {changeId} yourself. A change must be approved by someone other than its proposer: ask another technician or administrator to approve it."
                : result.Detail ?? "The decision was refused.");
        }

        Log.AdminAction(logger, actor.UserName, approve ? "change.approve" : "change.reject", $"change {changeId}");
        return AdminResult.Done(approve ? $"Change {changeId} approved and applied." : $"Change {changeId} rejected.");
    }

    public async Task<(AdminResult Result, NewEnrolmentToken? Token)> CreateTokenAsync(ConsoleUser actor, long roomId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return (denied, null);
        }

        var token = await store.EnrolmentTokens.CreateAsync(roomId, actor.Id, options.Value.EnrolmentTokenLifetime, cancellationToken);
        if (token is null)
        {
            return (AdminResult.Refused("No such room."), null);
        }

        Log.AdminAction(logger, actor.UserName, "token.create", $"room {roomId}");
        return (AdminResult.Done("Token made. Copy it now: it is shown only this once."), token);
    }

    public async Task<AdminResult> RevokeTokenAsync(ConsoleUser actor, long tokenId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (!await store.EnrolmentTokens.RevokeAsync(tokenId, actor.Id, cancellationToken))
        {
            return AdminResult.Refused("No such token, or it was already revoked.");
        }

        Log.AdminAction(logger, actor.UserName, "token.revoke", $"token {tokenId}");
        return AdminResult.Done("Token revoked: no agent can enrol with it any more.");
    }

    /// <summary>How a device is named to people: its hostname, else the signed-in user, else an address.</summary>
    public static string DeviceLabel(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Hostname ?? device.DisplayName ?? device.Macs.FirstOrDefault() ?? device.Ips.FirstOrDefault() ?? "unnamed device";
    }

    // The session's roles are re-checked every 30 s (CircuitAuthenticationStateProvider); the account as stored now is
    // checked on every action too, so a technician disabled or demoted a moment ago can do nothing more.
    private async Task<AdminResult?> DenyAsync(ConsoleUser actor, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string action = "")
    {
        var account = await store.Users.GetAsync(actor.Id, cancellationToken);
        if (actor.IsAdministration && account is { Disabled: false } && Policies.AdministrationRoles.Any(account.IsIn))
        {
            return null;
        }

        const string Reason = "Only a technician or administrator can do that.";
        Log.AdminActionRefused(logger, actor.UserName, action, Reason);
        return AdminResult.Refused(Reason);
    }

    private static AdminResult? Invalid(string? problem, string field) => problem is null ? null : AdminResult.Refused(problem, field);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<(UserAccount? Target, AdminResult? Refusal)> TargetAsync(ConsoleUser actor, long userId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(actor, cancellationToken) is { } denied)
        {
            return (null, denied);
        }

        var target = await store.Users.GetAsync(userId, cancellationToken);
        if (target is null)
        {
            return (null, AdminResult.Refused("No such user."));
        }

        if (target.IsIn(Role.Administrator) && !actor.IsAdministrator)
        {
            return (null, AdminResult.Refused("Only an administrator can change an administrator's account."));
        }

        return (target, null);
    }

    private async Task<AdminResult> AuditAsync(ConsoleUser actor, string action, string target, string detail, string message, CancellationToken cancellationToken)
    {
        await store.AdminAudit.RecordAsync(actor.Id, action, target, detail, cancellationToken);
        Log.AdminAction(logger, actor.UserName, action, target);
        return AdminResult.Done(message);
    }
}
