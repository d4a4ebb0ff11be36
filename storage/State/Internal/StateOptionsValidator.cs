using Microsoft.Extensions.Options;

namespace ClassroomGuard.Storage.State.Internal;

/// <summary>Checks what data annotations cannot: the path is absolute and the time zone exists.</summary>
internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Path) && (!System.IO.Path.IsPathFullyQualified(options.Path) || options.Path.EndsWith('/')))
        {
            failures.Add($"State:Path must be an absolute path to a file, not '{options.Path}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"State:TimeZone '{options.TimeZone}' is not a time zone known to this system (use an IANA name such as Europe/London).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
