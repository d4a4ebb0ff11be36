using System.Diagnostics;
using MimeKit;

namespace ClassroomGuard.Console.Tests.Safeguarding;

/// <summary>
/// A real SMTP server from Debian's packages (python3-aiosmtpd) on a loopback port, delivering into a Maildir of the
/// test's own (<c>smtp_test_server.py</c>, a small script of the tests' own over aiosmtpd's controller), optionally
/// requiring STARTTLS with a certificate, a login, or refusing some recipients. Each delivered message carries the
/// envelope's recipients in <c>X-RcptTo</c>. The script says "ready" once it listens, or "in use" when the port was
/// taken meanwhile (a free port is only free until someone binds it): the server then starts again on another port.
/// </summary>
internal sealed class AiosmtpdServer : IDisposable
{
    private const int Tries = 10;
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();
    private readonly TaskCompletionSource<bool> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AiosmtpdServer(int port, string maildir, Process process)
    {
        Port = port;
        Maildir = maildir;
        this.process = process;
    }

    public int Port { get; }

    public string Maildir { get; }

    public string Output { get { lock (output) { return output.ToString(); } } }

    /// <summary>A loopback port nothing listens on now (it may be taken by the time it is used).</summary>
    public static int FreePort() => LoopbackPorts.FreeTcp();

    /// <summary>Starts the server on a free loopback port (another one if that is taken before it binds).</summary>
    public static async Task<AiosmtpdServer> StartAsync(
        string maildir, (string Cert, string Key)? starttls = null, (string User, string Password)? login = null, IReadOnlyDictionary<string, int>? refuse = null)
    {
        for (var i = 1; ; i++)
        {
            if (await TryStartAsync(FreePort(), maildir, starttls, login, refuse) is { } server)
            {
                return server;
            }

            if (i == Tries)
            {
                throw new InvalidOperationException($"aiosmtpd found every port taken {Tries} times running");
            }
        }
    }

    /// <summary>The server listening on <paramref name="port"/>, or null when the port was taken.</summary>
    private static async Task<AiosmtpdServer?> TryStartAsync(
        int port, string maildir, (string Cert, string Key)? starttls, (string User, string Password)? login, IReadOnlyDictionary<string, int>? refuse)
    {
        foreach (var sub in (string[])["tmp", "new", "cur"])
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub)); // Python's Maildir makes these only when the folder itself is new
        }

        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Safeguarding", "smtp_test_server.py"));
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(maildir);
        if (login is { } account)
        {
            foreach (var arg in (string[])["--login", account.User, account.Password])
            {
                info.ArgumentList.Add(arg);
            }
        }

        if (starttls is { } tls)
        {
            foreach (var arg in (string[])["--tls", tls.Cert, tls.Key])
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var (address, reply) in refuse ?? new Dictionary<string, int>())
        {
            foreach (var arg in (string[])["--refuse", address, reply.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                info.ArgumentList.Add(arg);
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new AiosmtpdServer(port, maildir, process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Exited += (_, _) => server.ready.TrySetResult(false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var listening = await server.ready.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default);
        if (listening)
        {
            return server;
        }

        var exited = process.HasExited || process.WaitForExit(2000);
        var code = exited ? process.ExitCode : -1;
        var text = server.Output;
        server.Dispose();
        return code == 98 ? null : throw new InvalidOperationException($"aiosmtpd did not start on {port} (exit {code}): {text}");
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

            if (line == "ready")
            {
                ready.TrySetResult(true);
            }
        }
    }
}
