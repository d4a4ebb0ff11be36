namespace ClassroomGuard.Console.Components.Pages.Reports.Charts;

/// <summary>One bar: its label, this period's value and, when compared, the period before's.</summary>
public sealed record BarChartItem(string Label, long Value, long? Previous = null);

/// <summary>One day's stack: the values of each series in the chart's series order.</summary>
public sealed record DayStack(DateOnly Day, IReadOnlyList<long> Values)
{
    /// <summary>The day's total.</summary>
    public long Total => Values.Sum();
}
