using System.Buffers;
using System.Text.Json;

namespace ClassroomGuard.Agent.Hub;

/// <summary>
/// The SignalR hub protocol, JSON encoding, version 1 (dotnet/aspnetcore src/SignalR/docs/specs/HubProtocol.md), as far
/// as the agent needs it. Each message is a JSON object terminated by the record separator 0x1E; a transport message
/// may carry several records, and a record may be split across transport messages (<see cref="HubRecordReader"/>).
/// </summary>
public static class HubProtocol
{
    /// <summary>ASCII RS, the terminator of every JSON hub protocol record.</summary>
    public const byte RecordSeparator = 0x1E;

    /// <summary>The handshake the client sends first: JSON protocol, version 1.</summary>
    public static ReadOnlySpan<byte> HandshakeRequest => "{\"protocol\":\"json\",\"version\":1}\u001e"u8;

    /// <summary>A ping record.</summary>
    public static ReadOnlySpan<byte> PingRecord => "{\"type\":6}\u001e"u8;

    /// <summary>Reads the server's handshake response (<c>{}</c>, or <c>{"error":"…"}</c> when refused).</summary>
    /// <exception cref="HubProtocolException">Malformed, or the server refused the handshake.</exception>
    public static void ReadHandshakeResponse(ReadOnlySpan<byte> record)
    {
        using var document = Parse(record);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new HubProtocolException("The handshake response is not a JSON object.");
        }

        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new HubProtocolException("The server refused the handshake: " + error.ToString());
        }
    }

    /// <summary>Decodes one record (without its separator).</summary>
    /// <exception cref="HubProtocolException">Not a JSON object, no numeric <c>type</c>, or a known type missing a required field.</exception>
    public static HubMessage Parse(ReadOnlySpan<byte> record, out bool unknown)
    {
        unknown = false;
        using var document = Parse(record);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.Number || !typeElement.TryGetInt32(out var type))
        {
            throw new HubProtocolException("A hub message must be a JSON object with a numeric 'type'.");
        }

        switch ((HubMessageType)type)
        {
            case HubMessageType.Invocation:
                var target = String(root, "target") ?? throw new HubProtocolException("An invocation has no 'target'.");
                if (!root.TryGetProperty("arguments", out var args) || args.ValueKind != JsonValueKind.Array)
                {
                    throw new HubProtocolException("An invocation has no 'arguments' array.");
                }

                var arguments = new List<JsonElement>(args.GetArrayLength());
                foreach (var argument in args.EnumerateArray())
                {
                    arguments.Add(argument.Clone()); // the document is disposed on return
                }

                return new InvocationMessage(String(root, "invocationId"), target, arguments);
            case HubMessageType.Completion:
                var id = String(root, "invocationId") ?? throw new HubProtocolException("A completion has no 'invocationId'.");
                return new CompletionMessage(id, String(root, "error"), root.TryGetProperty("result", out var result) ? result.Clone() : null);
            case HubMessageType.Ping:
                return PingMessage.Instance;
            case HubMessageType.Close:
                return new CloseMessage(String(root, "error"), root.TryGetProperty("allowReconnect", out var again) && again.ValueKind == JsonValueKind.True);
            default:
                unknown = true; // spec: ignore what we do not understand, so a newer server does not break an older agent
                return new OtherMessage(type);
        }
    }

    /// <summary>Writes a non-blocking invocation (no id: the server sends no completion) as one record.</summary>
    public static void WriteInvocation(IBufferWriter<byte> output, string target, ReadOnlySpan<object?> arguments, JsonSerializerOptions serializerOptions)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", (int)HubMessageType.Invocation);
            writer.WriteString("target", target);
            writer.WriteStartArray("arguments");
            foreach (var argument in arguments)
            {
                JsonSerializer.Serialize(writer, argument, argument?.GetType() ?? typeof(object), serializerOptions);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.Write([RecordSeparator]);
    }

    /// <summary>Writes a completion carrying an error (the agent answers any server-to-client invocation that expects a result this way).</summary>
    public static void WriteCompletionError(IBufferWriter<byte> output, string invocationId, string error)
    {
        ArgumentNullException.ThrowIfNull(output);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", (int)HubMessageType.Completion);
            writer.WriteString("invocationId", invocationId);
            writer.WriteString("error", error);
            writer.WriteEndObject();
        }

        output.Write([RecordSeparator]);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> record)
    {
        try
        {
            var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = 32 });
            var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                throw new HubProtocolException("A hub message has more than one JSON value.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new HubProtocolException("A hub message is not valid JSON: " + e.Message);
        }
    }

    private static string? String(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
