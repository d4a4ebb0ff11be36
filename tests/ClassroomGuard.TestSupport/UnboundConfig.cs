using System.Globalization;
using System.Text;

namespace ClassroomGuard.TestSupport;

/// <summary>The part of a test unbound's configuration every test shares.</summary>
public static class UnboundConfig
{
    /// <summary>
    /// A <c>server:</c> section for a real unbound on 127.0.0.1:<paramref name="port"/>, in the foreground, in its own
    /// <paramref name="directory"/>, with no root hints, no trust anchors, no logging to syslog, and every name refused
    /// (<c>local-zone: "." refuse</c>): it never contacts the Internet. The caller appends its zones (<c>local-zone</c>,
    /// <c>local-data</c>) and any further sections.
    /// </summary>
    public static StringBuilder Hermetic(int port, string directory)
    {
        var config = new StringBuilder();
        config.AppendLine("server:");
        config.AppendLine("  interface: 127.0.0.1");
        config.AppendLine(CultureInfo.InvariantCulture, $"  port: {port}");
        config.AppendLine("  do-daemonize: no");
        config.AppendLine("  do-ip6: no");
        config.AppendLine("  username: \"\"");
        config.AppendLine("  chroot: \"\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  directory: \"{directory}\"");
        config.AppendLine("  pidfile: \"\"");
        config.AppendLine("  use-syslog: no");
        config.AppendLine("  logfile: \"\"");
        config.AppendLine("  verbosity: 0");
        config.AppendLine("  num-threads: 1");
        config.AppendLine("  root-hints: \"\"");
        config.AppendLine("  module-config: \"iterator\"");
        config.AppendLine("  access-control: 127.0.0.0/8 allow");
        // Everything outside the caller's zones is refused: nothing is ever resolved from the Internet.
        config.AppendLine("  local-zone: \".\" refuse");
        return config;
    }
}
