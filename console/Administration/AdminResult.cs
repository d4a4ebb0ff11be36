namespace ClassroomGuard.Console.Administration;

/// <summary>What an administrative action did, in words for the person who asked.</summary>
/// <param name="Succeeded">Whether it was done.</param>
/// <param name="Message">What happened, or why it was refused.</param>
/// <param name="Field">When refused because of one form field, its name (a property of the form model, see
/// <see cref="AdminFields"/>), so the page shows the reason next to that field; null otherwise.</param>
public sealed record AdminResult(bool Succeeded, string Message, string? Field = null)
{
    /// <summary>Done.</summary>
    public static AdminResult Done(string message) => new(true, message);

    /// <summary>Refused, with the reason (and the field it concerns, if one).</summary>
    public static AdminResult Refused(string reason, string? field = null) => new(false, reason, field);
}

/// <summary>The form fields a refusal can point at: property names of the administration form models.</summary>
public static class AdminFields
{
    public const string UserName = "UserName";
    public const string DisplayName = "DisplayName";
    public const string Password = "Password";
    public const string Roles = "Roles";
    public const string Name = "Name";
    public const string SiteId = "SiteId";
    public const string Address = "Mac";
    public const string Reason = "Reason";
    public const string Comment = "Comment";
}
