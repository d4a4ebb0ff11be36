namespace ClassroomGuard.Storage.TimeSeries.Internal;

/// <summary>
/// Per-thread scratch space in which a <see cref="PointBuilder"/> serialises one line. Reused for every point on the
/// thread, so building a point allocates nothing once the thread has built its first one.
/// </summary>
internal sealed class PointScratch
{
    /// <summary>Most tags on one point; more is a schema mistake (and a cardinality risk).</summary>
    public const int MaxTags = 32;

    [ThreadStatic]
    private static PointScratch? t_current;

    public readonly ByteBuffer Line = new(1024);

    // Start offset (the ',') and key length of each tag in Line, for sorting.
    public readonly int[] TagStart = new int[MaxTags + 1];
    public readonly int[] TagKeyLength = new int[MaxTags];

    public int Generation;
    public int TagCount;
    public bool TagsUnsorted;
    public int FieldCount;
    public bool HasTimestamp;
    public PointError Error;
    public InfluxPrecision Precision;

    public static PointScratch Current => t_current ??= new PointScratch();

    public void Reset(InfluxPrecision precision)
    {
        Generation++;
        Line.Clear();
        TagCount = 0;
        TagsUnsorted = false;
        FieldCount = 0;
        HasTimestamp = false;
        Error = PointError.None;
        Precision = precision;
    }

    /// <summary>Sorts the tag section (from TagStart[0] to the end of Line) by key bytes, in place.</summary>
    public void SortTags()
    {
        var count = TagCount;
        TagStart[count] = Line.Length;
        Span<int> order = stackalloc int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var bytes = Line.RawArray;
        for (var i = 1; i < count; i++)
        {
            var current = order[i];
            var j = i - 1;
            while (j >= 0 && CompareKeys(bytes, order[j], current) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }

        // Copy the sorted section past the end of the line, then back over the original.
        var sectionStart = TagStart[0];
        var sectionLength = Line.Length - sectionStart;
        Line.GetSpan(sectionLength);
        bytes = Line.RawArray;
        var target = Line.Length;
        foreach (var index in order)
        {
            var length = TagStart[index + 1] - TagStart[index];
            Array.Copy(bytes, TagStart[index], bytes, target, length);
            target += length;
        }

        Array.Copy(bytes, Line.Length, bytes, sectionStart, sectionLength);
        TagsUnsorted = false;
    }

    public int CompareKeys(byte[] bytes, int a, int b) =>
        bytes.AsSpan(TagStart[a] + 1, TagKeyLength[a]).SequenceCompareTo(bytes.AsSpan(TagStart[b] + 1, TagKeyLength[b]));
}
