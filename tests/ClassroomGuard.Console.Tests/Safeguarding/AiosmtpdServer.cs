using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// A real SMTP server from Debian's packages (python3-aiosmtpd) on a loopback port, delivering into a Maildir of the
/// test's own: <c>python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox DIR</c>, optionally requiring
/// STARTTLS with a certificate. Each delivered message carries the envelope's recipients in <c>X-RcptTo</c>.
/// </summary>
internal sealed class AiosmtpdServer : IDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();

    private AiosmtpdServer(int port, string maildir, Process process)
    {
        Port = port;
        Maildir = maildir;
        this.process = process;
    }

    public int Port { get; }

    public string Maildir { get; }

    public string Output { get { lock (output) { return output.ToString(); } } }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server on <paramref name="port"/> and waits until it accepts connections.</summary>
    public static async Task<AiosmtpdServer> StartAsync(int port, string maildir, (string Cert, string Key)? starttls = null)
    {
        foreach (var sub in (string[])["tmp", "new", "cur"])
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub)); // Python's Maildir makes these only when the folder itself is new
        }
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox"])
        {
            info.ArgumentList.Add(arg);
        }

        if (starttls is { } tls)
        {
            info.ArgumentList.Add("--tlscert");
            info.ArgumentList.Add(tls.Cert);
            info.ArgumentList.Add("--tlskey");
            info.ArgumentList.Add(tls.Key);
        }

        info.ArgumentList.Add(maildir);
        var process = Process.Start(info)!;
        var server = new AiosmtpdServer(port, maildir, process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited ({process.ExitCode}): {server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        server.Dispose();
        throw new TimeoutException($"aiosmtpd did not listen on {port}: {server.Output}");
    }

    /// <summary>The messages delivered so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : [];
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
