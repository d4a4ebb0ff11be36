using System.Text.Json;
using ClassroomGuard.AgentContract;

namespace ClassroomGuard.Agent.Enrolment;

/// <summary>What enrolment gave the agent: its credential and the console's certificate pin, saved in <c>Agent:StatePath</c>.</summary>
/// <param name="ConsoleUrl">The console it enrolled with.</param>
/// <param name="AgentId">Its credential id.</param>
/// <param name="Secret">Its credential secret.</param>
/// <param name="RoomId">The room the token was for.</param>
/// <param name="CertificatePin">SPKI SHA-256 (base64) of the console's certificate seen at enrolment.</param>
public sealed record AgentIdentity(string ConsoleUrl, long AgentId, string Secret, long RoomId, string CertificatePin)
{
    /// <summary>The Authorization header value the agent hub expects.</summary>
    public string Authorization => AgentAuthorizationHeader.Format(AgentId, Secret);

    /// <summary>Loads the saved identity; null when the file does not exist.</summary>
    public static AgentIdentity? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<AgentIdentity>(File.ReadAllText(path), AgentJson.Options)
            ?? throw new InvalidDataException($"'{path}' does not hold an agent identity.");
    }

    /// <summary>Saves atomically (temporary file, then rename), readable and writable by the owner only.</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, AgentJson.Options);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite); // even if it existed
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The JSON conventions the agent and the console share (camelCase).</summary>
internal static class AgentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
