using ClassroomGuard.Storage.TimeSeries.Internal;

namespace ClassroomGuard.Storage.TimeSeries;

/// <summary>
/// Builds one line-protocol point straight into UTF-8 in per-thread scratch space: no allocation per point.
/// Get one from <see cref="InfluxWriter.CreatePoint"/> (or <see cref="Create"/>), add tags, then fields, then
/// optionally a timestamp, and hand it to <see cref="InfluxWriter.TryWrite"/> before building the next point on the
/// same thread.
/// </summary>
/// <example>
/// <code>
/// writer.TryWrite(writer.CreatePoint("dns_activity")
///     .Tag("device", deviceId).Tag("room", room)
///     .Field("queries", queries).Field("blocked", blocked)
///     .Timestamp(second));
/// </code>
/// </example>
/// <remarks>
/// <para>Tags are written sorted by key (InfluxDB's recommendation), whatever order they are added in. A tag with an
/// empty value is left out (InfluxDB has no empty tag values). Tags must come before fields.</para>
/// <para>Names (measurement, tag keys and values, field keys) are escaped exactly; characters InfluxDB 1.x cannot
/// store in names are replaced by U+FFFD: CR, LF, a backslash at the end or before ',', '=' or ' ' (or '"' in
/// the measurement and field keys), a leading '#' or tab of the measurement, a leading tab of a field key. String field values are stored unchanged, newlines included.</para>
/// <para>Mistakes that data can cause at run time (a NaN or infinite float, an empty name, no field) do not throw:
/// they make the point invalid (<see cref="Error"/>) and <see cref="InfluxWriter.TryWrite"/> rejects and counts it.
/// A point without a timestamp is stamped with the writer's clock when it is accepted, so replay after an outage
/// keeps the original time.</para>
/// </remarks>
public readonly ref struct PointBuilder
{
    private readonly PointScratch _scratch;
    private readonly int _generation;

    private PointBuilder(PointScratch scratch)
    {
        _scratch = scratch;
        _generation = scratch.Generation;
    }

    /// <summary>Why the point cannot be written, or <see cref="PointError.None"/>.</summary>
    public PointError Error => Scratch.Error != PointError.None ? Scratch.Error
        : Scratch.FieldCount == 0 ? PointError.NoField : PointError.None;

    /// <summary>The line so far, UTF-8, without the trailing newline.</summary>
    public ReadOnlySpan<byte> Utf8Line => Scratch.Line.WrittenSpan;

    internal PointScratch Scratch => _scratch is not null && _scratch.Generation == _generation
        ? _scratch
        : throw new InvalidOperationException(
            "This point is no longer current: another point was started on this thread before it was written.");

    /// <summary>Starts a point with timestamps in <paramref name="precision"/> units, in this thread's scratch space
    /// (abandoning any point this thread had not written yet).</summary>
    public static PointBuilder Create(ReadOnlySpan<char> measurement, InfluxPrecision precision = InfluxPrecision.Nanoseconds)
    {
        var scratch = PointScratch.Current;
        scratch.Reset(precision);
        if (measurement.IsEmpty)
        {
            scratch.Error = PointError.EmptyName;
        }
        else
        {
            LineProtocol.WriteMeasurement(scratch.Line, measurement);
        }

        return new PointBuilder(scratch);
    }

    /// <summary>Adds a tag; an empty <paramref name="value"/> leaves the tag out.</summary>
    public PointBuilder Tag(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        var s = Scratch;
        if (s.Error != PointError.None || value.IsEmpty)
        {
            return this;
        }

        if (key.IsEmpty)
        {
            s.Error = PointError.EmptyName;
            return this;
        }

        if (s.FieldCount > 0)
        {
            s.Error = PointError.TagAfterField;
            return this;
        }

        if (s.TagCount == PointScratch.MaxTags)
        {
            s.Error = PointError.TooManyTags;
            return this;
        }

        var index = s.TagCount++;
        var start = s.Line.Length;
        s.TagStart[index] = start;
        s.Line.WriteByte((byte)',');
        LineProtocol.WriteTag(s.Line, key);
        s.TagKeyLength[index] = s.Line.Length - start - 1;
        s.Line.WriteByte((byte)'=');
        LineProtocol.WriteTag(s.Line, value);
        if (index > 0 && !s.TagsUnsorted && s.CompareKeys(s.Line.RawArray, index - 1, index) > 0)
        {
            s.TagsUnsorted = true;
        }

        return this;
    }

    /// <summary>Adds an integer field (<c>42i</c>).</summary>
    public PointBuilder Field(ReadOnlySpan<char> key, long value)
    {
        var s = BeginField(key);
        if (s is not null)
        {
            LineProtocol.WriteInteger(s.Line, value);
        }

        return this;
    }

    /// <summary>Adds a float field, formatted to round-trip exactly; NaN and infinities make the point invalid.</summary>
    public PointBuilder Field(ReadOnlySpan<char> key, double value)
    {
        if (!double.IsFinite(value))
        {
            var scratch = Scratch;
            if (scratch.Error == PointError.None)
            {
                scratch.Error = PointError.NonFiniteFloat;
            }

            return this;
        }

        var s = BeginField(key);
        if (s is not null)
        {
            LineProtocol.WriteFloat(s.Line, value);
        }

        return this;
    }

    /// <summary>Adds a boolean field.</summary>
    public PointBuilder Field(ReadOnlySpan<char> key, bool value)
    {
        var s = BeginField(key);
        if (s is not null)
        {
            LineProtocol.WriteBoolean(s.Line, value);
        }

        return this;
    }

    /// <summary>Adds a string field; any text is stored unchanged (InfluxDB limits strings to 64 KiB).</summary>
    public PointBuilder Field(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        var s = BeginField(key);
        if (s is not null)
        {
            LineProtocol.WriteStringValue(s.Line, value);
        }

        return this;
    }

    /// <summary>Sets the timestamp (converted to the writer's precision, truncating).</summary>
    public PointBuilder Timestamp(DateTimeOffset time) => Timestamp(LineProtocol.ToUnix(time, Scratch.Precision));

    /// <summary>Sets the timestamp as Unix time in the writer's precision units (<see cref="InfluxOptions.Precision"/>).</summary>
    public PointBuilder Timestamp(long unixTime)
    {
        var s = Scratch;
        if (s.Error != PointError.None)
        {
            return this;
        }

        if (s.FieldCount == 0 || s.HasTimestamp)
        {
            s.Error = s.FieldCount == 0 ? PointError.NoField : PointError.TimestampTwice;
            return this;
        }

        s.Line.WriteByte((byte)' ');
        LineProtocol.WriteTimestamp(s.Line, unixTime);
        s.HasTimestamp = true;
        return this;
    }

    private PointScratch? BeginField(ReadOnlySpan<char> key)
    {
        var s = Scratch;
        if (s.Error != PointError.None)
        {
            return null;
        }

        if (key.IsEmpty)
        {
            s.Error = PointError.EmptyName;
            return null;
        }

        if (s.HasTimestamp)
        {
            s.Error = PointError.FieldAfterTimestamp;
            return null;
        }

        if (s.FieldCount++ == 0)
        {
            if (s.TagsUnsorted)
            {
                s.SortTags();
            }

            s.Line.WriteByte((byte)' ');
        }
        else
        {
            s.Line.WriteByte((byte)',');
        }

        LineProtocol.WriteFieldKey(s.Line, key);
        s.Line.WriteByte((byte)'=');
        return s;
    }
}

/// <summary>Why a point cannot be written.</summary>
public enum PointError
{
    /// <summary>The point is valid.</summary>
    None,

    /// <summary>The measurement, a tag key or a field key is empty.</summary>
    EmptyName,

    /// <summary>The point has no field (InfluxDB needs at least one).</summary>
    NoField,

    /// <summary>A float field is NaN or infinite, which line protocol cannot carry.</summary>
    NonFiniteFloat,

    /// <summary>A tag was added after a field.</summary>
    TagAfterField,

    /// <summary>A field was added after the timestamp.</summary>
    FieldAfterTimestamp,

    /// <summary>The timestamp was set twice.</summary>
    TimestampTwice,

    /// <summary>More than 32 tags.</summary>
    TooManyTags,
}
