using MimeKit;

namespace ClassroomGuard.Console.Safeguarding.Alerts;

/// <summary>Whether a text is one plain e-mail address (no display name, no list, no group), as MimeKit parses it.</summary>
public static class MailAddresses
{
    /// <summary>Longest address accepted (RFC 5321's path limit).</summary>
    public const int MaxLength = 254;

    /// <summary>True for one address like <c>dsl@school.example</c>.</summary>
    public static bool IsValid(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || text.Trim() != text || text.Any(char.IsControl))
        {
            return false;
        }

        return MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)
               && string.IsNullOrEmpty(mailbox.Name)
               && string.Equals(mailbox.Address, text, StringComparison.Ordinal)
               && mailbox.Address.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
               && at < mailbox.Address.Length - 1
               && !mailbox.Address.Contains(' ', StringComparison.Ordinal);
    }
}
