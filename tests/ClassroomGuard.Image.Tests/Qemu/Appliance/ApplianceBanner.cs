using System.Text.RegularExpressions;

namespace ClassroomGuard.Image.Tests.Qemu.Appliance;

/// <summary>The lines the appliance shows on its local console (tty1 and ttyS0), exactly as docs/image.md states them.</summary>
internal static partial class ApplianceBanner
{
    /// <summary><c>ClassroomGuard console: https://&lt;address&gt;:8443/</c></summary>
    [GeneratedRegex(@"ClassroomGuard console: https://(?<address>[^\s/:]+):8443/")]
    public static partial Regex ConsoleLine();

    /// <summary>First boot only: <c>First sign-in: user admin, password &lt;password&gt; (shown once; change it after signing in)</c></summary>
    [GeneratedRegex(@"First sign-in: user admin, password (?<password>\S+) \(shown once; change it after signing in\)")]
    public static partial Regex PasswordLine();

    /// <summary>Any password the first boot shows once (the administrator's, and any other such line the banner has).</summary>
    [GeneratedRegex(@"password (?<password>\S+) \(shown once")]
    public static partial Regex AnyShownPassword();

    /// <summary>Later boots: <c>ClassroomGuard health: &lt;Healthy|Degraded|Unhealthy|not answering&gt;</c></summary>
    [GeneratedRegex(@"ClassroomGuard health: (?<health>Healthy|Degraded|Unhealthy|not answering)")]
    public static partial Regex HealthLine();
}
