namespace ClassroomGuard.Storage.Hosting;

/// <summary>
/// The command-line arguments every service passes on to .NET configuration rather than to its commands: a setting
/// written <c>--Section:Key=value</c> in one token. One definition for the console, the DNS filter and the sniffer.
/// </summary>
public static class SettingArguments
{
    /// <summary>Whether <paramref name="token"/> is a setting: <c>--Key=value</c> with a non-empty key, in one token.</summary>
    public static bool IsSetting(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=', StringComparison.Ordinal) is var eq && eq > 2
            && !token.AsSpan(2, eq - 2).ContainsAny(" \t\r\n") && token[2] != ':' && token[eq - 1] != ':';
    }
}
