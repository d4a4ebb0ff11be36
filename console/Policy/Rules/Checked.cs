namespace ClassroomGuard.Console.Policy.Rules;

/// <summary>
/// What a validator made of a value someone typed: the normalised value, or the reason it was refused. When the value
/// was accepted in another spelling than the one typed (a pasted address turned into its host name, a Unicode name into
/// the form DNS carries), <see cref="Note"/> says so, so the person is never surprised by what was proposed.
/// </summary>
/// <typeparam name="T">The normalised value.</typeparam>
/// <param name="Value">The value, when accepted.</param>
/// <param name="Problem">Why it was refused, in words for the person who typed it; null when accepted.</param>
/// <param name="Note">How the accepted value differs from what was typed, or null.</param>
public sealed record Checked<T>(T? Value, string? Problem, string? Note = null)
{
    /// <summary>Whether the value was accepted.</summary>
    public bool IsValid => Problem is null;

    /// <summary>Accepted.</summary>
    public static Checked<T> Ok(T value, string? note = null) => new(value, null, note);

    /// <summary>Refused with <paramref name="problem"/>.</summary>
    public static Checked<T> Refuse(string problem) => new(default, problem);
}
