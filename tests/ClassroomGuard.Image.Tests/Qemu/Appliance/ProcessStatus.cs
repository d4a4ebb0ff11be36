using System.Globalization;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>A service's main process as the guest's kernel sees it (<c>/proc/PID/status</c>): who it runs as and its capabilities.</summary>
/// <param name="Uids">Real, effective, saved and file-system uid.</param>
/// <param name="CapInh">Inheritable capabilities (a bit mask, bit n = capability n).</param>
/// <param name="CapPrm">Permitted.</param>
/// <param name="CapEff">Effective.</param>
/// <param name="CapBnd">The bounding set: what the process could ever gain.</param>
/// <param name="CapAmb">Ambient: what systemd gave it (AmbientCapabilities=).</param>
internal sealed record ProcessStatus(int[] Uids, ulong CapInh, ulong CapPrm, ulong CapEff, ulong CapBnd, ulong CapAmb)
{
    /// <summary>The capability numbers the tests name (linux/capability.h).</summary>
    public static readonly IReadOnlyDictionary<string, int> Numbers = new Dictionary<string, int>
    {
        ["CAP_NET_BIND_SERVICE"] = 10,
        ["CAP_NET_RAW"] = 13,
    };

    public static ProcessStatus Parse(string status)
    {
        var fields = status.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
        ulong Mask(string name) => ulong.Parse(fields[name], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new ProcessStatus(
            fields["Uid"].Split('\t', StringSplitOptions.RemoveEmptyEntries).Select(u => int.Parse(u, CultureInfo.InvariantCulture)).ToArray(),
            Mask("CapInh"), Mask("CapPrm"), Mask("CapEff"), Mask("CapBnd"), Mask("CapAmb"));
    }

    /// <summary>The mask of the named capabilities (none: 0).</summary>
    public static ulong MaskOf(params string[] names) => names.Aggregate(0UL, (mask, name) => mask | (1UL << Numbers[name]));

    /// <summary>A mask as capability names where the tests know them, else bit numbers.</summary>
    public static string Describe(ulong mask)
    {
        var names = new List<string>();
        for (var bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) != 0)
            {
                names.Add(Numbers.FirstOrDefault(n => n.Value == bit).Key ?? "cap#" + bit);
            }
        }

        return names.Count == 0 ? "none" : string.Join(',', names);
    }
}
