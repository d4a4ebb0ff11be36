using System.Text.RegularExpressions;
using ClassroomGuard.Storage.State;

namespace ClassroomGuard.Console.Administration;

/// <summary>Server-side checks of what people type into the administration forms; each failure says why.</summary>
public static partial class AdminValidation
{
    /// <summary>Longest display, site or room name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Longest reason or comment written to the change-control log.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Longest password accepted (hashing cost is bounded).</summary>
    public const int MaxPasswordLength = 256;

    // Passwords anyone would try first; the length rule already rules out most short ones.
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password1234", "password12345", "passwordpassword", "123456789012", "1234567890123", "qwertyuiop12",
        "qwertyuiopas", "letmein12345", "welcome12345", "changeme1234", "administrator", "classroomguard",
        "iloveyou1234", "abcdefghijkl", "abc123abc123", "teacher12345", "school123456",
    };

    /// <summary>Why <paramref name="userName"/> is not acceptable, or null.</summary>
    public static string? UserName(string? userName)
        => userName is not null && UserNamePattern().IsMatch(userName.Trim())
            ? null
            : "A user name is 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit (for example j.smith).";

    /// <summary>Why <paramref name="name"/> is not acceptable as a display, site or room name, or null.</summary>
    public static string? Name(string? name, string what)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return $"Enter a {what}.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"A {what} is at most {MaxNameLength} characters.";
        }

        return trimmed.Any(char.IsControl) ? $"A {what} cannot contain control characters." : null;
    }

    /// <summary>Why <paramref name="password"/> is not acceptable for <paramref name="userName"/>, or null.</summary>
    public static string? Password(string? password, string? userName)
    {
        if (password is null || password.Length < UserRepository.MinimumPasswordLength)
        {
            return $"A password is at least {UserRepository.MinimumPasswordLength} characters; a few unrelated words make a good one.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"A password is at most {MaxPasswordLength} characters.";
        }

        if (!string.IsNullOrWhiteSpace(userName) && password.Contains(userName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return "A password must not contain the user name.";
        }

        if (password.Distinct().Count() < 5 || Common.Contains(password))
        {
            return "That password is too easy to guess: choose a few unrelated words.";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePattern();
}
