using Microsoft.Data.Sqlite;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>Reader and time conversions shared by the repositories.</summary>
internal static class Sql
{
    public const string BumpRevision =
        "UPDATE state_revision SET revision = revision + 1, changed_at = $now WHERE id = 1 RETURNING revision";

    public const string ReadRevision = "SELECT revision FROM state_revision WHERE id = 1";

    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset Time(SqliteDataReader reader, int ordinal) => Time(reader.GetInt64(ordinal));

    public static DateTimeOffset? TimeOrNull(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    public static string? StringOrNull(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? LongOrNull(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>A calendar day as stored: ISO <c>yyyy-MM-dd</c>.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsConstraint(SqliteException exception) => exception.SqliteErrorCode == 19;
}
