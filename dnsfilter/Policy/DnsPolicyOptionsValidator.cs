using System.Net;
using ClassroomGuard.Dns.Lists;
using ClassroomGuard.Dns.Protocol;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.DnsFilter.Policy;

/// <summary>Checks the policy settings at start; every message names its setting.</summary>
internal sealed class DnsPolicyOptionsValidator : IValidateOptions<DnsPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsPolicyOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.BlockAnswer))
        {
            failures.Add("Dns:Policy:BlockAnswer must be NxDomain, NullAddress or BlockPage.");
        }

        for (var i = 0; i < options.BlockPageAddresses.Count; i++)
        {
            if (!IPAddress.TryParse(options.BlockPageAddresses[i], out _))
            {
                failures.Add($"Dns:Policy:BlockPageAddresses:{i} '{options.BlockPageAddresses[i]}' is not an IP address.");
            }
        }

        if (options.BlockAnswer == BlockAnswerMode.BlockPage && options.BlockPageAddresses.Count == 0)
        {
            failures.Add("Dns:Policy:BlockPageAddresses must list at least one address when Dns:Policy:BlockAnswer is BlockPage.");
        }

        if (options.ExtendedError is not (DnsExtendedError.Blocked or DnsExtendedError.Filtered))
        {
            failures.Add("Dns:Policy:ExtendedError must be Blocked or Filtered.");
        }

        Name(failures, "Dns:Policy:GoogleSafeSearchTarget", options.GoogleSafeSearchTarget);
        Name(failures, "Dns:Policy:YouTubeStrictTarget", options.YouTubeStrictTarget);
        Name(failures, "Dns:Policy:YouTubeModerateTarget", options.YouTubeModerateTarget);
        Name(failures, "Dns:Policy:BingSafeSearchTarget", options.BingSafeSearchTarget);
        Name(failures, "Dns:Policy:DuckDuckGoSafeSearchTarget", options.DuckDuckGoSafeSearchTarget);
        for (var i = 0; i < options.CircumventionNames.Count; i++)
        {
            Name(failures, $"Dns:Policy:CircumventionNames:{i}", options.CircumventionNames[i]);
        }

        for (var i = 0; i < options.PauseAllowList.Count; i++)
        {
            Name(failures, $"Dns:Policy:PauseAllowList:{i}", options.PauseAllowList[i]);
        }

        if (options.AlertInterval < TimeSpan.Zero || options.AlertInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Dns:Policy:AlertInterval must be between 00:00:00 and 1.00:00:00.");
        }

        if (options.RetryInterval <= TimeSpan.Zero || options.RetryInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add("Dns:Policy:RetryInterval must be between 00:00:00.001 and 00:10:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Name(List<string> failures, string setting, string? value)
    {
        Span<byte> wire = stackalloc byte[DnsName.MaxLength];
        if (string.IsNullOrWhiteSpace(value) || DomainText.TryNormalize(value, wire) == 0)
        {
            failures.Add($"{setting} '{value}' is not a domain name.");
        }
    }
}

/// <summary>
/// Checks list sources at start: paths exist, formats known, categories given. With the configuration it also checks
/// the raw <c>Format</c> values: the binder silently drops a list element it cannot convert (e.g. <c>Format=Csv</c>),
/// which would start the filter without that list — fail open — instead of refusing to start.
/// </summary>
internal sealed class DnsListOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<DnsListOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsListOptions options)
    {
        var failures = new List<string>();
        foreach (var section in configuration?.GetSection(DnsListOptions.SectionName + ":Sources").GetChildren() ?? [])
        {
            var format = section["Format"];
            if (format is not null && !Enum.TryParse<ListFormat>(format, ignoreCase: true, out _))
            {
                failures.Add($"{section.Path}:Format '{format}' must be Plain, Hosts, AdBlock or Ut1.");
            }
        }

        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            if (!Enum.IsDefined(source.Format))
            {
                failures.Add($"Dns:Lists:Sources:{i}:Format must be Plain, Hosts, AdBlock or Ut1.");
            }
            else if (string.IsNullOrWhiteSpace(source.Path))
            {
                failures.Add($"Dns:Lists:Sources:{i}:Path is required (a list file, or the UT1 directory).");
            }
            else if (source.Format == ListFormat.Ut1 ? !Directory.Exists(source.Path) : !File.Exists(source.Path))
            {
                failures.Add($"Dns:Lists:Sources:{i}:Path '{source.Path}' does not exist (a {(source.Format == ListFormat.Ut1 ? "directory" : "file")} is expected).");
            }

            if (source.Format != ListFormat.Ut1 && string.IsNullOrWhiteSpace(source.Category))
            {
                failures.Add($"Dns:Lists:Sources:{i}:Category must name the category of every name in '{source.Path}' (e.g. child_abuse).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
