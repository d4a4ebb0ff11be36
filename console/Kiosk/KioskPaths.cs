namespace ClassroomGuard.Console.Kiosk;

/// <summary>Addresses of the classroom display's sign-in.</summary>
public static class KioskPaths
{
    /// <summary>Where a display posts its credential (form field <c>credential</c>; anonymous, no antiforgery token, rate limited).</summary>
    public const string SignIn = "/kiosk/sign-in";

    /// <summary>The form field that carries the credential.</summary>
    public const string CredentialField = "credential";
}
