using System.Net;
using Microsoft.Extensions.Options;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace ClassroomGuard.Console.Reports.Printing;

/// <summary>What the printed page's header and footer say.</summary>
/// <param name="SchoolName">Top left: the school.</param>
/// <param name="Title">Top right: the report's title and period.</param>
/// <param name="Generated">Bottom left: "Generated Mon 7 Dec 2026, 09:40" in the school's time zone.</param>
internal sealed record PageFurniture(string SchoolName, string Title, string Generated);

/// <summary>How long Chromium took to start and then to print (logged apart: a slow start is not a slow report).</summary>
internal readonly record struct PrintTiming(TimeSpan Launch, TimeSpan Print);

/// <summary>
/// Prints a self-contained HTML file to an A4 PDF with Debian's Chromium at <c>Reports:ChromiumPath</c> through
/// PuppeteerSharp (never downloaded): one Chromium per report, started here and closed here, JavaScript off, every
/// request refused but the document itself and <c>data:</c> URIs, backgrounds printed, the header and footer on every page.
/// </summary>
internal sealed class ChromiumPrinter(IOptions<ReportOptions> options, ILoggerFactory loggers)
{
    /// <summary>Page margins; the header and footer print inside the top and bottom ones (report.css keeps the same @page).</summary>
    public static readonly MarginOptions Margins = new() { Top = "20mm", Bottom = "18mm", Left = "15mm", Right = "15mm" };

    /// <summary>How long Chromium may take to answer on its pipe (20 s; tests shorten it).</summary>
    internal TimeSpan LaunchTimeout { get; set; } = TimeSpan.FromSeconds(20);

    private readonly ILogger _log = loggers.CreateLogger<ChromiumPrinter>();

    /// <summary>Prints <paramref name="htmlPath"/> to <paramref name="pdfPath"/>; throws <see cref="ChromiumUnavailableException"/> naming the setting.</summary>
    public async Task<PrintTiming> PrintAsync(string htmlPath, PageFurniture furniture, string pdfPath, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        EnsureInstalled();
        var chromium = options.Value.ChromiumPath;

        var document = new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri;
        var timeoutMs = (int)Math.Min(int.MaxValue, options.Value.Timeout.TotalMilliseconds);
        var launch = new LaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // A pipe, not a debugging port on loopback that any local user could reach.
            Pipe = true,
            Timeout = (int)Math.Min(timeoutMs, LaunchTimeout.TotalMilliseconds),
            ProtocolTimeout = timeoutMs,
            Args = ChromiumArguments(),
        };

        IBrowser browser;
        var launcher = new Launcher(loggers);
        var stderr = new StartupOutput();
        try
        {
            // Chromium answers on its pipe within a second or two. One that dies at once is raced by its own exit (and
            // named by the first line it wrote on stderr: a missing library, the sandbox, memory), not waited for; one
            // that hangs has a limit of its own, shorter than the report's; and what a failed launch started is killed.
            var launching = launcher.LaunchAsync(launch);
            var exited = new TaskCompletionSource().Task; // never, when the launcher has no process to watch
            if (launcher.Process?.Process is { } process)
            {
                process.ErrorDataReceived += stderr.Add;
                exited = process.WaitForExitAsync(cancellationToken);
            }

            var first = await Task.WhenAny(launching, exited).WaitAsync(LaunchTimeout, cancellationToken);
            if (first == exited && !launching.IsCompletedSuccessfully)
            {
                await exited; // cancelled: throws
                // The launcher notices the exit too, with what it read of stderr; a moment for it, never the full limit.
                var reason = await Task.WhenAny(launching, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)) == launching && launching.Exception is { } failed
                    ? failed.InnerException?.Message
                    : null;
                _ = launching.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw new ChromiumStartException(stderr.Reason ?? FirstStderrLine(reason) ?? $"it exited at once with code {SafeExitCode(launcher.Process?.Process)}");
            }

            browser = await launching;
        }
        catch (Exception ex)
        {
            if (ex is not (OperationCanceledException or TimeoutException or ChromiumStartException) && launcher.Process?.Process is { } died)
            {
                // The launcher gave up first (its pipe closed): Chromium's exit, a moment away, drains its stderr.
                await WaitForExitQuietlyAsync(died);
            }

            await KillAsync(launcher);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            if (ex is not TimeoutException && stderr.Reason is null)
            {
                // It wrote before its output was watched: start it once more, alone, for its own words.
                stderr.Set(await ProbeAsync(chromium, cancellationToken));
                if (ex is ChromiumStartException && stderr.Reason is { } probed)
                {
                    ex = new ChromiumStartException(probed);
                }
            }

            throw new ChromiumUnavailableException(ex switch
            {
                TimeoutException => $"Chromium at {chromium} (Reports:ChromiumPath) did not start within {LaunchTimeout.TotalSeconds:F0} s. Check that it is Debian's chromium package and that it runs: {chromium} --headless --version.",
                ChromiumStartException => $"Chromium at {chromium} (Reports:ChromiumPath) did not start: {ex.Message}. Check that it is Debian's chromium package and that it runs: {chromium} --headless --version.",
                _ => $"Chromium at {chromium} (Reports:ChromiumPath) did not start: {stderr.Reason ?? FirstLine(ex.Message)}. Check that it is Debian's chromium package and that it runs: {chromium} --headless --version.",
            }, ex);
        }

        var launched = clock.Elapsed;
        try
        {
            PrintingLog.ChromiumStarted(_log, chromium, browser.Process?.Id, Environment.IsPrivilegedProcess ? "off (root)" : "on");
            await using var page = await browser.NewPageAsync().WaitAsync(cancellationToken);
            page.DefaultTimeout = timeoutMs;
            await page.SetJavaScriptEnabledAsync(false);
            await page.SetRequestInterceptionAsync(true);
            page.Request += async (_, e) =>
            {
                try
                {
                    if (e.Request.Url == document || e.Request.Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                    {
                        await e.Request.ContinueAsync();
                    }
                    else
                    {
                        PrintingLog.RequestRefused(_log, e.Request.Url.Length > 200 ? e.Request.Url[..200] : e.Request.Url);
                        await e.Request.AbortAsync(RequestAbortErrorCode.BlockedByClient);
                    }
                }
                catch (PuppeteerException)
                {
                    // The page closed under a request: nothing left to answer.
                }
                catch (Exception ex)
                {
                    // An async event handler: anything escaping here would end the console process.
                    PrintingLog.RequestHandlerFailed(_log, ex);
                }
            };

            await page.GoToAsync(document, new NavigationOptions { Timeout = timeoutMs, WaitUntil = [WaitUntilNavigation.Load] }).WaitAsync(cancellationToken);
            await page.PdfAsync(pdfPath, new PdfOptions
            {
                Format = PaperFormat.A4,
                PrintBackground = true,
                DisplayHeaderFooter = true,
                HeaderTemplate = Header(furniture),
                FooterTemplate = Footer(furniture),
                MarginOptions = Margins,
                PreferCSSPageSize = false,
                Outline = false,
                Tagged = true,
            }).WaitAsync(cancellationToken);
            return new PrintTiming(launched, clock.Elapsed - launched);
        }
        catch (PuppeteerException ex)
        {
            throw new ChromiumUnavailableException($"Chromium at {chromium} (Reports:ChromiumPath) stopped while printing: {FirstLine(ex.Message)}.", ex);
        }
        finally
        {
            await CloseAsync(browser);
        }
    }

    /// <summary>Throws <see cref="ChromiumUnavailableException"/> when there is no program at <c>Reports:ChromiumPath</c> (checked before any data is read).</summary>
    public void EnsureInstalled()
    {
        var chromium = options.Value.ChromiumPath;
        if (!File.Exists(chromium))
        {
            throw new ChromiumUnavailableException(
                $"Chromium was not found at {chromium} (Reports:ChromiumPath): install Debian's chromium package (apt-get install chromium) or set Reports:ChromiumPath to its path.");
        }
    }

    /// <summary>The header: the school on the left, the report's title and period on the right (Chromium's own fonts; inline styles only).</summary>
    internal static string Header(PageFurniture furniture) =>
        $"<div style=\"{FurnitureStyle}\"><span style=\"font-weight:600\">{WebUtility.HtmlEncode(furniture.SchoolName)}</span><span>{WebUtility.HtmlEncode(furniture.Title)}</span></div>";

    /// <summary>The footer: when it was generated on the left, "Page N of M" on the right (Chromium fills the page numbers).</summary>
    internal static string Footer(PageFurniture furniture) =>
        $"<div style=\"{FurnitureStyle}\"><span>{WebUtility.HtmlEncode(furniture.Generated)}</span><span>Page <span class=\"pageNumber\"></span> of <span class=\"totalPages\"></span></span></div>";

    private const string FurnitureStyle =
        "width:100%;margin:0 15mm;display:flex;justify-content:space-between;gap:8mm;font-family:'Liberation Sans',Arial,sans-serif;font-size:8pt;color:#3d4451;";

    private static string[] ChromiumArguments()
    {
        List<string> args =
        [
            "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--mute-audio", "--font-render-hinting=none",
            // No name or address resolves, IP literals included: the network stack itself cannot connect anywhere. Request
            // interception refuses requests, but Chromium still opened a socket (no bytes) to a blocked frame's address.
            // (Quoted: PuppeteerSharp joins the arguments into one command line.)
            "--host-resolver-rules=\"MAP * ~NOTFOUND\"",
        ];
        if (Environment.IsPrivilegedProcess)
        {
            // Chromium refuses to start its sandbox as root (it needs an unprivileged user namespace of its own user). The
            // service runs as its own user and keeps the sandbox; only root (set-up, a technician's shell, CI) runs without
            // it, and what it prints is our own HTML with JavaScript off and every request refused.
            args.Add("--no-sandbox");
        }

        return [.. args];
    }

    /// <summary>Kills what a failed launch started, if anything (and whatever it started in turn).</summary>
    private static async Task KillAsync(Launcher launcher)
    {
        if (launcher.Process is not { } started)
        {
            return;
        }

        try
        {
            if (started.Process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }

            await started.KillAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or PuppeteerException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or never started.
        }
    }

    private async Task CloseAsync(IBrowser browser)
    {
        try
        {
            await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is PuppeteerException or TimeoutException or IOException)
        {
            PrintingLog.ChromiumKilled(_log, ex);
        }
        finally
        {
            try
            {
                if (browser.Process is { HasExited: false } process)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            await browser.DisposeAsync();
        }
    }

    private static async Task WaitForExitQuietlyAsync(System.Diagnostics.Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Not started, or still running (it is killed next).
        }
    }

    private static int? SafeExitCode(System.Diagnostics.Process? process)
    {
        try
        {
            return process?.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The first line of Chromium's own output within the launcher's "Failed to launch browser! …" message.</summary>
    private static string? FirstStderrLine(string? message)
    {
        if (message is null)
        {
            return null;
        }

        var text = message.StartsWith("Failed to launch browser!", StringComparison.Ordinal) ? message["Failed to launch browser!".Length..] : message;
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return line is null ? null : FirstLine(line);
    }

    /// <summary>A launch that failed with a reason of Chromium's own (its stderr's first line).</summary>
    private sealed class ChromiumStartException(string message) : Exception(message);

    /// <summary>
    /// What Chromium writes on stderr while it starts: its reason is a line naming a fatal error or a missing library if
    /// there is one, else its last line (Debian's Chromium writes harmless D-Bus complaints first).
    /// </summary>
    private sealed class StartupOutput
    {
        private readonly Lock _gate = new();
        private string? _last;
        private string? _fatal;

        public string? Reason
        {
            get
            {
                lock (_gate)
                {
                    return _fatal ?? _last;
                }
            }
        }

        public void Add(object? sender, System.Diagnostics.DataReceivedEventArgs e) => Set(e.Data);

        public void Set(string? text)
        {
            foreach (var raw in (text ?? string.Empty).Split('\n'))
            {
                if (string.IsNullOrWhiteSpace(raw))
                {
                    continue;
                }

                var line = ChromiumPrinter.FirstLine(raw);
                lock (_gate)
                {
                    _last = line;
                    if (_fatal is null && (line.Contains("FATAL", StringComparison.Ordinal) || line.Contains("error while loading", StringComparison.OrdinalIgnoreCase)))
                    {
                        _fatal = line;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs Chromium once, alone, on about:blank (5 s at most, its own throw-away profile) and returns its stderr: the
    /// reason a launch failed when the launch itself did not catch it.
    /// </summary>
    private static async Task<string?> ProbeAsync(string chromium, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("cg-report-chromium-");
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])["--headless", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}", "--dump-dom", "about:blank"])
            {
                info.ArgumentList.Add(arg);
            }

            if (Environment.IsPrivilegedProcess)
            {
                info.ArgumentList.Add("--no-sandbox");
            }

            using var process = System.Diagnostics.Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                await output;
                return await error;
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException or IOException)
        {
            return null;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium's last writes racing the removal: left to the system's temporary-file cleaning.
            }
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim().TrimEnd('.');
        return line.Length > 300 ? line[..300] : line;
    }
}
