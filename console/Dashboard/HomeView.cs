namespace ClassroomGuard.Console.Dashboard;

/// <summary>How a figure on the home page stands, shown as words and a colour (never the colour alone).</summary>
public enum Condition
{
    /// <summary>Working as it should.</summary>
    Good,

    /// <summary>Working, but someone should look.</summary>
    Attention,

    /// <summary>Not working, or not heard from.</summary>
    Problem,

    /// <summary>The figure cannot be had; the tile says why.</summary>
    NotReported,
}

/// <summary>What one user's home page shows: a section per role they hold (none for a role they do not).</summary>
/// <param name="DisplayName">Their name.</param>
/// <param name="RolesText">Their roles as words.</param>
/// <param name="UpdatedText">"Updated at 10:42", from the overview's read time.</param>
/// <param name="Health">Technician / Administrator: the appliance's health.</param>
/// <param name="Rooms">Teacher: their rooms.</param>
/// <param name="Safeguarding">Safeguarding lead: open alerts.</param>
/// <param name="Governor">Governor: what will be delivered to them.</param>
public sealed record HomeView(string DisplayName, string RolesText, string UpdatedText, HealthSection? Health, RoomsSection? Rooms,
    SafeguardingSection? Safeguarding, bool Governor);

/// <summary>One health tile.</summary>
/// <param name="Title">What it is about ("DNS filter").</param>
/// <param name="Condition">How it stands.</param>
/// <param name="Status">One or two words ("Answering").</param>
/// <param name="Detail">The figures, or why there are none, and what to do.</param>
/// <param name="Lines">One line per part, shown as a list above the detail (the upstream resolvers); null for none.</param>
public sealed record HealthTile(string Title, Condition Condition, string Status, string Detail, IReadOnlyList<string>? Lines = null);

/// <summary>The technician's section.</summary>
/// <param name="Services">A tile per service and resource.</param>
/// <param name="DevicesOnline">Devices online now.</param>
/// <param name="DevicesTotal">Devices in the inventory.</param>
/// <param name="DevicesNote">A caveat about how they were counted, or null.</param>
/// <param name="BlocksToday">Today's blocks by category, largest first.</param>
/// <param name="BlocksNote">Why there are none to show (unavailable, or none yet), or null.</param>
/// <param name="OpenAlerts">Alerts nobody has acknowledged.</param>
public sealed record HealthSection(IReadOnlyList<HealthTile> Services, int DevicesOnline, int DevicesTotal, string? DevicesNote,
    IReadOnlyList<CategoryCount> BlocksToday, string? BlocksNote, int OpenAlerts);

/// <summary>A teacher's room on the home page.</summary>
/// <param name="Id">Room id (for the link only).</param>
/// <param name="Name">Room name.</param>
/// <param name="Online">Devices online now.</param>
/// <param name="Total">Devices in the room.</param>
/// <param name="BlocksLastHour">Blocked attempts in the last hour, or null when the series could not be read.</param>
/// <param name="Actions">Blanks and pauses in force, as sentences (empty when none).</param>
public sealed record RoomCard(long Id, string Name, int Online, int Total, long? BlocksLastHour, IReadOnlyList<string> Actions)
{
    /// <summary>The live view of the room.</summary>
    public string Href => "/rooms/" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The teacher's section.</summary>
/// <param name="Rooms">Their rooms, by name.</param>
/// <param name="SeriesNote">Why blocks are not shown, or null.</param>
public sealed record RoomsSection(IReadOnlyList<RoomCard> Rooms, string? SeriesNote);

/// <summary>One open alert, in words.</summary>
/// <param name="Device">Device name.</param>
/// <param name="Room">Its room, or "No room".</param>
/// <param name="What">What happened ("Tried a high-risk site").</param>
/// <param name="Category">The category in words, or empty.</param>
/// <param name="Domain">The site, or empty.</param>
/// <param name="When">"Today 10:42" or "Mon 7 Dec 10:42".</param>
public sealed record AlertLine(string Device, string Room, string What, string Category, string Domain, string When);

/// <summary>The safeguarding lead's section.</summary>
/// <param name="Total">Open alerts.</param>
/// <param name="ByKind">How many of each kind, in words.</param>
/// <param name="Newest">The newest open alerts (at most ten).</param>
public sealed record SafeguardingSection(int Total, IReadOnlyList<KindCount> ByKind, IReadOnlyList<AlertLine> Newest);

/// <summary>A count of alerts of one kind.</summary>
/// <param name="Kind">The kind in words.</param>
/// <param name="Count">How many.</param>
public sealed record KindCount(string Kind, int Count);
