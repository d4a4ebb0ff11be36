using ClassroomGuard.Console.Reports.Governors;

namespace ClassroomGuard.Console.Tests.Reports.Governors;

/// <summary>
/// The small-number rule over a whole breakdown: for every table of a few rows, a reader who knows the rule (withheld:
/// 1 or 2; not shown: 3 or more, or anything when every row is not shown; none: 0) and the total as printed must not be
/// able to tell any withheld row's number. Checked by trying every set of numbers the printed table allows.
/// </summary>
public sealed class GovernorsCountTests
{
    [Fact]
    public void Table_TheReviewersCase_TotalSevenStaffFive_TheTwoCannotBeWorkedOut()
    {
        var rows = GovernorsCount.Table([("Reported by a member of staff", 5), ("Raised from an alert", 2)], 7);

        Assert.Equal([GovernorsCount.NotShown, GovernorsCount.Withheld], rows.Select(r => r.Text));
        Assert.All(rows, r => Assert.Null(r.Value));
    }

    [Fact]
    public void Table_NothingToWorkOut_PrintedAsBefore()
    {
        Assert.Equal(["4", "3", "none"], GovernorsCount.Table([("a", 4), ("b", 3), ("c", 0)], 7).Select(r => r.Text));
        Assert.Equal(["fewer than 3", "fewer than 3", "5"], GovernorsCount.Table([("a", 1), ("b", 2), ("c", 5)], 8).Select(r => r.Text)); // 1+2 or 2+1
        Assert.Equal(["fewer than 3", "none"], GovernorsCount.Table([("a", 2), ("b", 0)], 2).Select(r => r.Text)); // the total is withheld too
    }

    [Fact]
    public void Table_NoRowLeftToLeaveOut_NoCountPrinted()
    {
        // 5 = 3 + 1 + 1: even with the 3 left out, two rows of 1 or 2 and one of 3 or more can only make 5 as 1, 1 and 3.
        Assert.All(GovernorsCount.Table([("a", 3), ("b", 1), ("c", 1)], 5), r => Assert.Equal((null, GovernorsCount.NotShown), (r.Value, r.Text)));
        // The total withheld (2) and two rows: each can only be 1.
        Assert.All(GovernorsCount.Table([("a", 1), ("b", 1), ("c", 0)], 2), r => Assert.Equal(GovernorsCount.NotShown, r.Text));
    }

    [Fact]
    public void Table_EveryTableOfAFewRows_NoWithheldRowCanBeWorkedOut()
    {
        var checkedTables = 0;
        foreach (var (rowCount, max) in new[] { (1, 9), (2, 9), (3, 6), (4, 4) })
        {
            foreach (var values in Tables(rowCount, max))
            {
                var total = values.Sum();
                var printed = GovernorsCount.Table(values.Select((v, i) => ($"row {i}", v)).ToList(), total);
                var totalText = GovernorsCount.Of("", total).Text;
                var context = $"[{string.Join(", ", values)}] printed [{string.Join(", ", printed.Select(p => p.Text))}]";
                for (var i = 0; i < values.Length; i++)
                {
                    // What is printed is true.
                    Assert.True(printed[i].Text switch
                    {
                        "none" => values[i] == 0,
                        GovernorsCount.NotShown => true,
                        var t when t == GovernorsCount.Withheld => values[i] is 1 or 2,
                        var t => t == values[i].ToString(System.Globalization.CultureInfo.InvariantCulture) && values[i] >= GovernorsCount.Threshold,
                    }, context);
                    Assert.True(printed[i].Value is null or 0 or >= GovernorsCount.Threshold, context);
                }

                var possible = Readings(printed.Select(p => p.Text).ToArray(), totalText, max * rowCount).ToList();
                Assert.Contains(possible, p => p.SequenceEqual(values)); // the truth is one of the readings
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is 1 or 2)
                    {
                        Assert.True(possible.Select(p => p[i]).Distinct().Count() > 1, $"row {i} can be worked out: {context}");
                    }
                }

                checkedTables++;
            }
        }

        Assert.True(checkedTables > 1000);
    }

    [Fact]
    public void Table_Hostile_EmptyOrNull()
    {
        Assert.Empty(GovernorsCount.Table([], 0));
        Assert.Throws<ArgumentNullException>(() => GovernorsCount.Table(null!, 0));
    }

    private static IEnumerable<long[]> Tables(int rows, int max)
    {
        var values = new long[rows];
        while (true)
        {
            yield return (long[])values.Clone();
            var i = 0;
            while (i < rows && ++values[i] > max)
            {
                values[i++] = 0;
            }

            if (i == rows)
            {
                yield break;
            }
        }
    }

    /// <summary>Every set of numbers a reader who knows the rule could read into the printed table and total.</summary>
    private static IEnumerable<long[]> Readings(string[] texts, string totalText, int limit)
    {
        var allHidden = texts.All(t => t == GovernorsCount.NotShown);
        var options = texts.Select(t => t switch
        {
            "none" => [0L],
            GovernorsCount.NotShown => allHidden ? Range(0, limit) : Range(GovernorsCount.Threshold, limit),
            var w when w == GovernorsCount.Withheld => [1L, 2L],
            var n => [long.Parse(n, System.Globalization.CultureInfo.InvariantCulture)],
        }).ToArray();
        var totals = totalText == GovernorsCount.Withheld ? [1L, 2L] : totalText == "none" ? [0L] : new[] { long.Parse(totalText, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) };
        return Combine(options, 0, new long[texts.Length], 0, totals.Max()).Where(v => totals.Contains(v.Sum()));
    }

    private static long[] Range(int from, int to) => from > to ? [] : Enumerable.Range(from, to - from + 1).Select(v => (long)v).ToArray();

    private static IEnumerable<long[]> Combine(long[][] options, int index, long[] current, long sum, long most)
    {
        if (sum > most)
        {
            yield break;
        }

        if (index == options.Length)
        {
            yield return (long[])current.Clone();
            yield break;
        }

        foreach (var option in options[index])
        {
            current[index] = option;
            foreach (var rest in Combine(options, index + 1, current, sum + option, most))
            {
                yield return rest;
            }
        }
    }
}
