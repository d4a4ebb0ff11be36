namespace ClassroomGuard.Storage.State;

/// <summary>A room assigned to a teacher: the teacher may see, stream and act on it.</summary>
/// <param name="UserId">The teacher.</param>
/// <param name="RoomId">The room.</param>
/// <param name="AssignedAt">When it was assigned.</param>
public sealed record TeacherRoom(long UserId, long RoomId, DateTimeOffset AssignedAt);

/// <summary>Outcome of assigning a room to a teacher.</summary>
public enum TeacherRoomOutcome
{
    /// <summary>Assigned now.</summary>
    Assigned,

    /// <summary>The teacher already had the room: nothing changed.</summary>
    AlreadyAssigned,

    /// <summary>No such user.</summary>
    NoSuchUser,

    /// <summary>No such room.</summary>
    NoSuchRoom,
}

/// <summary>A saved lesson-focus allow-list.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Name">Unique name (case-insensitive), e.g. "Year 9 maths".</param>
/// <param name="Domains">The domains (and their subdomains) that stay reachable, normalised, in the order given.</param>
/// <param name="CreatedBy">User who made it.</param>
/// <param name="UpdatedAt">Last changed.</param>
public sealed record FocusList(long Id, string Name, IReadOnlyList<string> Domains, long CreatedBy, DateTimeOffset UpdatedAt);

/// <summary>Outcome of saving a focus list.</summary>
public enum FocusListOutcome
{
    /// <summary>Saved.</summary>
    Saved,

    /// <summary>Another list has that name.</summary>
    NameTaken,

    /// <summary>No such list (update).</summary>
    NotFound,
}
