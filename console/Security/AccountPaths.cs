namespace ClassroomGuard.Console.Security;

/// <summary>Addresses the security code refers to.</summary>
public static class AccountPaths
{
    /// <summary>The sign-in page (anonymous; its POST is rate limited).</summary>
    public const string SignIn = "/signin";

    /// <summary>Sign-out (POST with an antiforgery token).</summary>
    public const string SignOut = "/signout";

    /// <summary>Change your own password (the only page open while a password change is required).</summary>
    public const string ChangePassword = "/account/password";
}
