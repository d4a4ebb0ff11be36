using System.Text.Json;

namespace ClassroomGuard.Agent.Hub;

/// <summary>Message types of the SignalR hub protocol (JSON encoding), as numbered by the specification.</summary>
public enum HubMessageType
{
    /// <summary>Invoke a method on the other side.</summary>
    Invocation = 1,

    /// <summary>One item of a stream (not used by the agent).</summary>
    StreamItem = 2,

    /// <summary>The result or error of an invocation that had an id.</summary>
    Completion = 3,

    /// <summary>Start a streaming invocation (not used by the agent).</summary>
    StreamInvocation = 4,

    /// <summary>Cancel a streaming invocation (not used by the agent).</summary>
    CancelInvocation = 5,

    /// <summary>Keep-alive; carries nothing.</summary>
    Ping = 6,

    /// <summary>The sender closes the connection, optionally with an error.</summary>
    Close = 7,
}

/// <summary>A decoded hub protocol message.</summary>
public abstract record HubMessage(HubMessageType Type);

/// <summary>An invocation: <paramref name="Target"/> with its <paramref name="Arguments"/>; no id means no result is expected.</summary>
public sealed record InvocationMessage(string? InvocationId, string Target, IReadOnlyList<JsonElement> Arguments) : HubMessage(HubMessageType.Invocation);

/// <summary>The outcome of an invocation with an id: an error, or a result (possibly none).</summary>
public sealed record CompletionMessage(string InvocationId, string? Error, JsonElement? Result) : HubMessage(HubMessageType.Completion);

/// <summary>A keep-alive ping.</summary>
public sealed record PingMessage() : HubMessage(HubMessageType.Ping)
{
    /// <summary>The one instance (a ping carries nothing).</summary>
    public static readonly PingMessage Instance = new();
}

/// <summary>The server closes the connection; <paramref name="AllowReconnect"/> says whether trying again makes sense.</summary>
public sealed record CloseMessage(string? Error, bool AllowReconnect) : HubMessage(HubMessageType.Close);

/// <summary>A well-formed message of a type the agent does not handle (stream messages, or types newer than the agent).</summary>
public sealed record OtherMessage(int TypeNumber) : HubMessage((HubMessageType)TypeNumber);

/// <summary>The peer broke the protocol (malformed JSON, a missing field, a refused handshake, an oversized message).</summary>
public sealed class HubProtocolException(string message) : Exception(message);
