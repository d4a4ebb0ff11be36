using System.Globalization;
using System.Text.Json;

namespace ClassroomGuard.AgentContract;

/// <summary>
/// The console's <see cref="AgentHubMethods.Blank"/>: two positional arguments, the message (null: the agent's own
/// <c>Agent:BlankMessage</c>) and the expiry (ISO 8601). Positional, not one object, because that is what agents in the
/// field already obey.
/// </summary>
/// <param name="Message">Text to show; null or empty for the agent's default.</param>
/// <param name="ExpiresAt">When the blank ends by itself.</param>
public sealed record BlankCommand(string? Message, DateTimeOffset ExpiresAt)
{
    /// <summary>The invocation's arguments, in order.</summary>
    public object?[] ToArguments() => [Message, ExpiresAt];

    /// <summary>Reads the arguments of a received invocation; false when they are not a blank's (wrong count or types).</summary>
    public static bool TryRead(IReadOnlyList<JsonElement> arguments, out BlankCommand? command)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        command = null;
        if (arguments.Count != 2 || arguments[1].ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(arguments[1].GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt))
        {
            return false;
        }

        var message = arguments[0].ValueKind == JsonValueKind.String && arguments[0].GetString() is { Length: > 0 } text ? text : null;
        command = new BlankCommand(message, expiresAt);
        return true;
    }
}
