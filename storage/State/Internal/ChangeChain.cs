using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>
/// The change-control hash: SHA-256 over <c>"cg-change-v1\n"</c> followed by each field as
/// <c>&lt;UTF-8 byte length&gt;:&lt;value&gt;\n</c> in this order: seq, change_id, event, at (Unix ms),
/// actor_id, actor_name, single_approver (0/1), body, prev_hash. Length prefixes make the encoding
/// unambiguous and easy to reproduce in any language; the sequence number and previous hash make
/// any edit, deletion, insertion or reordering break the chain.
/// </summary>
internal static class ChangeChain
{
    public static readonly string Genesis = new('0', 64);

    public static string Hash(long seq, long changeId, string @event, long at, long actorId, string actorName, bool singleApprover, string body, string previousHash)
    {
        var text = new StringBuilder("cg-change-v1\n");
        Field(text, seq.ToString(CultureInfo.InvariantCulture));
        Field(text, changeId.ToString(CultureInfo.InvariantCulture));
        Field(text, @event);
        Field(text, at.ToString(CultureInfo.InvariantCulture));
        Field(text, actorId.ToString(CultureInfo.InvariantCulture));
        Field(text, actorName);
        Field(text, singleApprover ? "1" : "0");
        Field(text, body);
        Field(text, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Field(StringBuilder text, string value)
        => text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}
