namespace ClassroomGuard.Image.Tests.Units;

/// <summary>
/// One systemd unit file, read the way systemd reads the settings the tests check: sections, repeated keys (each
/// assignment adds to the list), an empty assignment resetting the list, continuation lines joined, comments kept apart.
/// </summary>
internal sealed class UnitFile
{
    private readonly Dictionary<(string Section, string Key), List<string>> _values = [];

    private UnitFile(string path, string name)
    {
        Path = path;
        Name = name;
    }

    /// <summary>Where the file was read from.</summary>
    public string Path { get; }

    /// <summary>Its file name, e.g. classroomguard-console.service.</summary>
    public string Name { get; }

    /// <summary>Comment lines (without the leading # or ;), in order.</summary>
    public List<string> Comments { get; } = [];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static UnitFile Read(string path)
    {
        var unit = new UnitFile(path, System.IO.Path.GetFileName(path));
        var section = "";
        string? pending = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = pending is null ? raw.Trim() : pending + " " + raw.Trim();
            pending = null;
            if (line.EndsWith('\\'))
            {
                pending = line[..^1].TrimEnd();
                continue;
            }

            if (line.StartsWith('#') || line.StartsWith(';'))
            {
                unit.Comments.Add(line[1..].Trim());
            }
            else if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
            }
            else if (line.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                unit.Assign(section, line[..equals].Trim(), line[(equals + 1)..].Trim());
            }
        }

        return unit;
    }

    /// <summary>The words of every assignment of <paramref name="key"/> since the last empty one.</summary>
    public IReadOnlyList<string> Words(string section, string key) =>
        _values.TryGetValue((section, key), out var values)
            ? [.. values.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries))]
            : [];

    /// <summary>The last assignment of <paramref name="key"/>, or null when it is not set.</summary>
    public string? Last(string section, string key) =>
        _values.TryGetValue((section, key), out var values) ? values.LastOrDefault() ?? "" : null;

    /// <summary>Whether <paramref name="key"/> is assigned at all (an empty assignment counts).</summary>
    public bool Has(string section, string key) => _values.ContainsKey((section, key));

    private void Assign(string section, string key, string value)
    {
        if (!_values.TryGetValue((section, key), out var values))
        {
            _values[(section, key)] = values = [];
        }

        if (value.Length == 0)
        {
            values.Clear(); // systemd: an empty assignment resets a list setting
        }
        else
        {
            values.Add(value);
        }
    }
}
