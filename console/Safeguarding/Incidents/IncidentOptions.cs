using System.ComponentModel.DataAnnotations;

namespace ClassroomGuard.Console.Safeguarding.Incidents;

/// <summary>The incident log's evidence (configuration section <c>Incidents</c>).</summary>
public sealed class IncidentOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Incidents";

    /// <summary>How much of the device's activity before the incident is copied into it. Default 10 minutes (0–1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Incidents:EvidenceBefore must be between 00:00:00 and 01:00:00.")]
    public TimeSpan EvidenceBefore { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How much of the device's activity after the incident is copied into it. Default 5 minutes (0–1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Incidents:EvidenceAfter must be between 00:00:00 and 01:00:00.")]
    public TimeSpan EvidenceAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most this many rows of activity are copied into one incident (the copy says when it stopped there). Default
    /// 3000: fifteen minutes of per-second DNS and traffic with room for blocks (100–20000).
    /// </summary>
    [Range(100, 20000, ErrorMessage = "Incidents:EvidenceMaxRows must be between 100 and 20000.")]
    public int EvidenceMaxRows { get; set; } = 3000;

    /// <summary>How often the copier looks for evidence still to copy. Default 10 seconds (1 second–10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Incidents:EvidenceInterval must be between 00:00:01 and 00:10:00.")]
    public TimeSpan EvidenceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The window around an incident that happened at <paramref name="occurredAt"/>.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset occurredAt) => (occurredAt - EvidenceBefore, occurredAt + EvidenceAfter);

    /// <summary>"15 minutes": the window's length as people read it.</summary>
    public string WindowWords
    {
        get
        {
            var minutes = (int)Math.Round((EvidenceBefore + EvidenceAfter).TotalMinutes);
            return minutes == 1 ? "minute" : $"{minutes} minutes";
        }
    }
}
