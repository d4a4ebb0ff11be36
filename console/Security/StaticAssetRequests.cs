using Microsoft.AspNetCore.StaticAssets;

namespace ClassroomGuard.Console.Security;

/// <summary>
/// Whether a request is for one of the files the app really serves (its wwwroot, <c>_framework</c>, <c>_content</c>):
/// the endpoint routing chose is one of <c>MapStaticAssets</c>' (they carry a <see cref="StaticAssetDescriptor"/>).
/// Those are public and need no database read nor the password-change gate. A dotted route such as
/// <c>/rooms/1.json</c> is not a static asset and is checked like any page.
/// </summary>
internal static class StaticAssetRequests
{
    public static bool IsStaticAsset(HttpContext context)
        => context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;
}
