using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace ClassroomGuard.Console.Tests.Reports.Printing;

/// <summary>A report of the tests' own: sections with tables long enough to run over several pages, and whatever raw HTML a test adds.</summary>
public sealed record PlaceholderReport(string Heading, int Sections, int RowsPerSection, string ExtraHtml = "");

/// <summary>
/// Stands in for the real report views (WeeklyReportView, GovernorsReportView) in the printer's tests: the same
/// parameters (<c>Report</c>, <c>Print</c>), plain HTML in the shared report.css classes.
/// </summary>
public sealed class PlaceholderReportView : ComponentBase
{
    [Parameter]
    [EditorRequired]
    public required PlaceholderReport Report { get; set; }

    [Parameter]
    public bool Print { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "article");
        builder.AddAttribute(1, "class", "cg-report");
        builder.OpenElement(2, "h1");
        builder.AddContent(3, Report.Heading);
        builder.CloseElement();
        builder.OpenElement(4, "p");
        builder.AddContent(5, Print ? "Printed copy." : "On screen.");
        builder.CloseElement();
        for (var s = 1; s <= Report.Sections; s++)
        {
            builder.OpenElement(10, "section");
            builder.OpenElement(11, "h2");
            builder.AddContent(12, $"Section {s}");
            builder.CloseElement();
            builder.OpenElement(13, "table");
            builder.AddMarkupContent(14, "<thead><tr><th>Room</th><th class=\"cg-num\">Bytes</th></tr></thead>");
            builder.OpenElement(15, "tbody");
            for (var r = 1; r <= Report.RowsPerSection; r++)
            {
                builder.AddMarkupContent(16, $"<tr><td>{WebUtility.HtmlEncode($"Room {s}.{r}")}</td><td class=\"cg-num\">{(s * 1000 + r).ToString(CultureInfo.InvariantCulture)}</td></tr>");
            }

            builder.CloseElement();
            builder.CloseElement();
            builder.CloseElement();
        }

        builder.AddMarkupContent(20, Report.ExtraHtml);
        builder.CloseElement();
    }
}
