using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Storage.Tests.State;

public sealed class UserRepositoryTests
{
    private static CancellationToken Token => StateTestContext.Token;

    [Fact]
    public async Task CreateFirstAdministratorAsync_EmptyStore_ReturnsStrongPasswordOnceAndStoresOnlyHash()
    {
        using var context = new StateTestContext();

        var result = await context.Store.Users.CreateFirstAdministratorAsync("admin", "Site Administrator", Token);

        Assert.True(result.Created, result.Refusal);
        Assert.NotNull(result.Password);
        Assert.True(result.Password!.Length >= 20);
        Assert.Equal([Role.Administrator], result.User!.Roles);
        var stored = (string)context.RawScalar("SELECT password_hash FROM users WHERE user_name = 'admin'")!;
        Assert.DoesNotContain(result.Password, stored, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(stored)[0]); // Identity v3 format marker
        var dump = StateTestContext.Sqlite3(context.DbPath, ".dump").Output;
        Assert.DoesNotContain(result.Password, dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateFirstAdministratorAsync_Twice_SecondRefusedAndFirstPasswordStillWorks()
    {
        using var context = new StateTestContext();
        var first = await context.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token);

        var second = await context.Store.Users.CreateFirstAdministratorAsync("admin2", "Admin 2", Token);

        Assert.False(second.Created);
        Assert.Null(second.Password);
        Assert.Contains("already exists", second.Refusal, StringComparison.Ordinal);
        Assert.Equal(1L, context.RawScalar("SELECT count(*) FROM users"));
        Assert.Equal(SignInOutcome.Succeeded, (await context.Store.Users.VerifyPasswordAsync("admin", first.Password!, Token)).Outcome);
    }

    [Fact]
    public async Task CreateFirstAdministratorAsync_Twice_GeneratesDifferentPasswords()
    {
        using var one = new StateTestContext();
        using var two = new StateTestContext();

        var a = await one.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token);
        var b = await two.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token);

        Assert.NotEqual(a.Password, b.Password);
    }

    [Fact]
    public async Task VerifyPasswordAsync_RightPasswordAnyCaseOfName_Succeeds()
    {
        using var context = new StateTestContext();
        await context.UserAsync("Teacher.One", Role.Teacher);

        var result = await context.Store.Users.VerifyPasswordAsync("teacher.one", StateTestContext.TestPassword, Token);

        Assert.Equal(SignInOutcome.Succeeded, result.Outcome);
        Assert.Equal("Teacher.One", result.User!.UserName);
    }

    [Theory]
    [InlineData("teacher", "wrong password!!")]
    [InlineData("nobody", StateTestContext.TestPassword)]
    public async Task VerifyPasswordAsync_WrongPasswordOrUnknownUser_FailsWithoutSayingWhich(string name, string password)
    {
        using var context = new StateTestContext();
        await context.UserAsync("teacher", Role.Teacher);

        var result = await context.Store.Users.VerifyPasswordAsync(name, password, Token);

        Assert.Equal(SignInOutcome.Failed, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task VerifyPasswordAsync_RepeatedFailures_LocksOutUntilDurationPasses()
    {
        using var context = new StateTestContext(o => { o.LockoutThreshold = 3; o.LockoutDuration = TimeSpan.FromMinutes(15); });
        await context.UserAsync("teacher", Role.Teacher);
        var users = context.Store.Users;

        Assert.Equal(SignInOutcome.Failed, (await users.VerifyPasswordAsync("teacher", "bad-password-1", Token)).Outcome);
        Assert.Equal(SignInOutcome.Failed, (await users.VerifyPasswordAsync("teacher", "bad-password-2", Token)).Outcome);
        Assert.Equal(SignInOutcome.LockedOut, (await users.VerifyPasswordAsync("teacher", "bad-password-3", Token)).Outcome);
        Assert.Equal(SignInOutcome.LockedOut, (await users.VerifyPasswordAsync("teacher", StateTestContext.TestPassword, Token)).Outcome);

        context.Clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(SignInOutcome.Succeeded, (await users.VerifyPasswordAsync("teacher", StateTestContext.TestPassword, Token)).Outcome);
        Assert.Equal(0, (await users.FindByNameAsync("teacher", Token))!.FailedCount);
    }

    [Fact]
    public async Task VerifyPasswordAsync_DisabledUser_Disabled()
    {
        using var context = new StateTestContext();
        await context.UserAsync("admin", Role.Administrator);
        var teacher = await context.UserAsync("teacher", Role.Teacher);
        await context.Store.Users.SetDisabledAsync(teacher.Id, true, Token);

        Assert.Equal(SignInOutcome.Disabled, (await context.Store.Users.VerifyPasswordAsync("teacher", StateTestContext.TestPassword, Token)).Outcome);
    }

    [Fact]
    public async Task SetRolesAndSetDisabled_LastAdministrator_Refused()
    {
        using var context = new StateTestContext();
        var admin = (await context.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token)).User!;

        Assert.Equal(UpdateUserOutcome.LastAdministrator, await context.Store.Users.SetRolesAsync(admin.Id, [Role.Teacher], Token));
        Assert.Equal(UpdateUserOutcome.LastAdministrator, await context.Store.Users.SetDisabledAsync(admin.Id, true, Token));
        Assert.Equal([Role.Administrator], (await context.Store.Users.GetAsync(admin.Id, Token))!.Roles);
    }

    [Fact]
    public async Task CreateUserAsync_ShortPasswordDuplicateNameOrNoRole_Refused()
    {
        using var context = new StateTestContext();
        await context.UserAsync("teacher", Role.Teacher);

        Assert.Equal(CreateUserOutcome.PasswordTooShort, (await context.Store.Users.CreateUserAsync("x", "X", [Role.Teacher], "short", Token)).Outcome);
        Assert.Equal(CreateUserOutcome.UserNameTaken, (await context.Store.Users.CreateUserAsync("TEACHER", "T", [Role.Teacher], StateTestContext.TestPassword, Token)).Outcome);
        Assert.Equal(CreateUserOutcome.NoRole, (await context.Store.Users.CreateUserAsync("y", "Y", [], StateTestContext.TestPassword, Token)).Outcome);
    }

    [Fact]
    public async Task SetPasswordAsync_NewPassword_OldFailsNewWorks()
    {
        using var context = new StateTestContext();
        var teacher = await context.UserAsync("teacher", Role.Teacher);

        Assert.Equal(UpdateUserOutcome.Updated, await context.Store.Users.SetPasswordAsync(teacher.Id, "a brand new passphrase", Token));

        Assert.Equal(SignInOutcome.Failed, (await context.Store.Users.VerifyPasswordAsync("teacher", StateTestContext.TestPassword, Token)).Outcome);
        Assert.Equal(SignInOutcome.Succeeded, (await context.Store.Users.VerifyPasswordAsync("teacher", "a brand new passphrase", Token)).Outcome);
    }

    [Fact]
    public async Task CreateFirstAdministratorAsync_Created_MustChangePassword()
    {
        using var context = new StateTestContext();

        var result = await context.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token);

        Assert.True(result.User!.MustChangePassword);
    }

    [Fact]
    public async Task ChangeOwnPasswordAsync_CorrectCurrent_ClearsMustChangeAndNewPasswordWorks()
    {
        using var context = new StateTestContext();
        var first = await context.Store.Users.CreateFirstAdministratorAsync("admin", "Admin", Token);

        var outcome = await context.Store.Users.ChangeOwnPasswordAsync(first.User!.Id, first.Password!, "a new long passphrase", Token);

        Assert.Equal(UpdateUserOutcome.Updated, outcome);
        Assert.False((await context.Store.Users.GetAsync(first.User.Id, Token))!.MustChangePassword);
        Assert.Equal(SignInOutcome.Succeeded, (await context.Store.Users.VerifyPasswordAsync("admin", "a new long passphrase", Token)).Outcome);
    }

    [Theory]
    [InlineData("wrong current password", "a new long passphrase", UpdateUserOutcome.WrongPassword)]
    [InlineData(StateTestContext.TestPassword, StateTestContext.TestPassword, UpdateUserOutcome.PasswordUnchanged)]
    [InlineData(StateTestContext.TestPassword, "short", UpdateUserOutcome.PasswordTooShort)]
    public async Task ChangeOwnPasswordAsync_Refused_SaysWhyAndKeepsOldPassword(string current, string next, UpdateUserOutcome expected)
    {
        using var context = new StateTestContext();
        var user = await context.UserAsync("jsmith", Role.Teacher);

        Assert.Equal(expected, await context.Store.Users.ChangeOwnPasswordAsync(user.Id, current, next, Token));
        Assert.Equal(SignInOutcome.Succeeded, (await context.Store.Users.VerifyPasswordAsync("jsmith", StateTestContext.TestPassword, Token)).Outcome);
    }

    [Fact]
    public async Task SetPasswordAsync_ResetByAdministrator_MustChangeAtNextSignIn()
    {
        using var context = new StateTestContext();
        var user = await context.UserAsync("jsmith", Role.Teacher);

        Assert.Equal(UpdateUserOutcome.Updated, await context.Store.Users.SetPasswordAsync(user.Id, "a reset passphrase", mustChangePassword: true, Token));

        Assert.True((await context.Store.Users.GetAsync(user.Id, Token))!.MustChangePassword);
    }
}
