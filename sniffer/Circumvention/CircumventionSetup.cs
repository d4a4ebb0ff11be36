using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClassroomGuard.Sniffer.Circumvention;

/// <summary>
/// What detection needs, prepared once at start: the parsed address rules and the UT1 lists. A list that cannot be read
/// stops start-up with an <see cref="OptionsValidationException"/> naming <c>Sniffer:Circumvention:Ut1Directory</c>
/// (the sniffer exits 78).
/// </summary>
public sealed class CircumventionSetup
{
    /// <summary>Parses and loads; logs what was loaded.</summary>
    public CircumventionSetup(IOptions<CircumventionOptions> options, ILogger<CircumventionSetup> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        var errors = new List<string>();
        Rules = AddressRules.TryCreate(o, errors) ?? throw Invalid(o, string.Join(" ", errors));
        if (string.IsNullOrEmpty(o.Ut1Directory))
        {
            Lists = ServiceLists.Empty;
            Log.ListsDisabled(logger);
        }
        else
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                Lists = ServiceLists.Load(o.Ut1Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Invalid(o, $"Sniffer:Circumvention:Ut1Directory '{o.Ut1Directory}' cannot be read: {e.Message}");
            }

            foreach (var (folder, statistics) in Lists.Folders)
            {
                if (statistics is null)
                {
                    Log.ListFolderMissing(logger, folder, o.Ut1Directory);
                }
            }

            Log.ListsLoaded(logger, Lists.Table.Count, o.Ut1Directory, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Log.Addresses(logger, string.Join(", ", Rules.ApplianceAddresses.Select(a => a.ToString())));
    }

    /// <summary>Who is monitored, exempt, or an allowed resolver.</summary>
    public AddressRules Rules { get; }

    /// <summary>The UT1 doh/vpn/proxy lists (empty when <see cref="CircumventionOptions.Ut1Directory"/> is empty).</summary>
    public ServiceLists Lists { get; }

    private static OptionsValidationException Invalid(CircumventionOptions options, string message) =>
        new(CircumventionOptions.SectionName, typeof(CircumventionOptions), [message]);
}

/// <summary>Checks <see cref="CircumventionOptions"/> at start: addresses and networks parse, the UT1 directory exists.</summary>
internal sealed class CircumventionOptionsValidator : IValidateOptions<CircumventionOptions>
{
    public ValidateOptionsResult Validate(string? name, CircumventionOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        AddressRules.TryCreate(options, errors);
        if (!string.IsNullOrEmpty(options.Ut1Directory) && !Directory.Exists(options.Ut1Directory))
        {
            errors.Add($"Sniffer:Circumvention:Ut1Directory '{options.Ut1Directory}' is not a directory (the UT1 lists; empty turns detection by name off).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
