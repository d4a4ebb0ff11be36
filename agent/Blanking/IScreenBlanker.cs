namespace ClassroomGuard.Agent.Blanking;

/// <summary>Covers every screen with a window the pupil cannot close or move, and takes it away again.</summary>
public interface IScreenBlanker
{
    /// <summary>Whether the screens are covered now.</summary>
    bool IsBlanked { get; }

    /// <summary>Covers every screen showing <paramref name="message"/> (or updates the message); returns once the windows are shown.</summary>
    void Blank(string message);

    /// <summary>Removes the windows; nothing happens when not blanked.</summary>
    void Unblank();
}
