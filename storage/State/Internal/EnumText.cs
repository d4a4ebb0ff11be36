namespace ClassroomGuard.Storage.State.Internal;

/// <summary>The text each enum is stored as (the CHECK constraints in V0001 list the same words).</summary>
internal static class EnumText
{
    public static string Of(GroupKind value) => value switch
    {
        State.GroupKind.Pupils => "pupils",
        State.GroupKind.Staff => "staff",
        _ => "guests",
    };

    public static GroupKind GroupKind(string text) => text switch
    {
        "pupils" => State.GroupKind.Pupils,
        "staff" => State.GroupKind.Staff,
        _ => State.GroupKind.Guests,
    };

    public static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static T Parse<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);

    public static string Of(AlertKind value) => value switch
    {
        AlertKind.HighRiskCategory => "high_risk_category",
        AlertKind.Circumvention => "circumvention",
        AlertKind.Appliance => "appliance",
        _ => "other",
    };

    public static string Of(UnblockRequestStatus value) => value switch
    {
        UnblockRequestStatus.Pending => "pending",
        UnblockRequestStatus.Approved => "approved",
        _ => "refused",
    };
}
