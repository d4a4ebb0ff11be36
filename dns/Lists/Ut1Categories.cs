namespace ClassroomGuard.Dns.Lists;

/// <summary>
/// The default mapping of UT1 folders onto ClassroomGuard categories (keys of the state's <c>categories</c> table).
/// Folders not listed are not loaded. A folder may feed several categories: <c>doh</c>, <c>vpn</c> and the proxy
/// lists belong to their own category (blockable per group) and to <c>circumvention</c> (blocks all three).
/// UT1's <c>child</c> folder lists sites FOR children and is deliberately not mapped (least of all to child_abuse).
/// Override per folder with <c>Dns:Lists:Ut1Categories:&lt;folder&gt;</c> (comma-separated keys; empty = skip).
/// </summary>
public static class Ut1Categories
{
    /// <summary>Folder → categories.</summary>
    public static IReadOnlyDictionary<string, string> Default { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["adult"] = "adult",
        ["mixed_adult"] = "adult",
        ["lingerie"] = "adult",
        ["gambling"] = "gambling",
        ["arjel"] = "gambling",
        ["drogue"] = "drugs",
        ["agressif"] = "violence,hate",
        ["dangerous_material"] = "violence",
        ["malware"] = "malware",
        ["phishing"] = "malware",
        ["hacking"] = "malware",
        ["ddos"] = "malware",
        ["cryptojacking"] = "malware",
        ["stalkerware"] = "malware",
        ["warez"] = "piracy",
        ["social_networks"] = "social_networking",
        ["chat"] = "chat",
        ["dating"] = "dating",
        ["games"] = "games",
        ["filehosting"] = "file_sharing",
        ["doh"] = "doh,circumvention",
        ["vpn"] = "vpn,circumvention",
        ["redirector"] = "proxy,circumvention",
        ["residential-proxies"] = "proxy,circumvention",
    };
}
