using System.Net;
using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Policy;

/// <summary>
/// The Blocklists page in Chromium against the real console and DNS filter: technician A proposes one of the school's own
/// feeds (an address with a password is refused beside its field first), technician B approves it under Approvals, and the
/// feed is listed as added in the console. The feed is served on 127.0.0.70 (this test's own loopback address): a filter
/// that reports list health fetches it at once, and dig from 127.0.0.71 (the default group) then finds its names blocked. The page (with its red banner when the filter reports required lists missing: the test
/// appliance has no UT1 adult, malware or phishing) and the technician's home are photographed at 1920x1080 and 1366x768.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class BlocklistsBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private const string FeedAddress = "127.0.0.70";
    private const string PupilAddress = "127.0.0.71"; // unmapped: the default group, Guests and BYOD, which blocks Gambling

    [Fact]
    public async Task TechnicianAProposesAFeed_TechnicianBApproves_ItIsListed()
    {
        var store = fixture.Appliance.Store;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var a = await UserAsync(store, "feeds.a." + suffix, "Alex Technician", Role.Technician);
        var b = await UserAsync(store, "feeds.b." + suffix, "Bea Technician", Role.Technician);
        using var server = FeedServer.Start(FeedAddress, "feed-" + suffix + ".example.org\nfeed2-" + suffix + ".example.org\n");
        var feedName = "Trust extra list " + suffix;

        var page = await fixture.NewPageAsync();
        var errors = Watch(page);
        try
        {
            await ClassroomFixture.SignInAsync(page, a.UserName, Password);
            await OpenAsync(page, "/policy/lists");
            var top = await page.Locator(".cg-lists-page").InnerTextAsync();
            if (await page.Locator("[data-required-missing]").CountAsync() > 0)
            {
                var banner = await page.Locator("[data-required-missing]").InnerTextAsync();
                Assert.Contains("not loaded: pupils can reach these sites", banner, StringComparison.Ordinal);
                Assert.Contains("UT1 adult", banner, StringComparison.Ordinal); // the test appliance has no UT1 adult
            }
            else
            {
                Assert.Contains("The list version in force and the downloads are not known.", top, StringComparison.Ordinal); // a filter without list health
            }

            await Artefacts.ShootBothAsync(page, "policy-lists-health");

            // An address with a user name and password: refused beside the field, nothing proposed.
            await page.FillAsync("input[data-feed-name]", feedName);
            await page.FillAsync("input[data-feed-url]", $"http://member:hunter2@{FeedAddress}:{server.Port}/list.txt");
            await page.ClickAsync("[data-feed-category]");
            await ChooseAsync(page, "Gambling");
            await page.ClickAsync("[data-propose-feed]");
            await page.GetByText("a Dns:Lists:Feeds setting").First.WaitForAsync();
            Assert.Empty(await store.ChangeControl.GetPendingAsync(CancellationToken.None));
            await Artefacts.ShootBothAsync(page, "policy-lists-feed-refused", page.Locator(".cg-feed-form"));

            // The plain address: the reason dialog, then shown waiting.
            await page.FillAsync("input[data-feed-url]", $"http://{FeedAddress}:{server.Port}/list.txt");
            await page.ClickAsync("[data-propose-feed]");
            await page.Locator(".mud-dialog [data-summary]").WaitForAsync();
            Assert.Contains($"Add the feed {feedName} (a domain list at http://{FeedAddress}:{server.Port}/list.txt), its names listed as Gambling", await page.Locator(".mud-dialog [data-summary]").InnerTextAsync(), StringComparison.Ordinal);
            await page.FillAsync(".mud-dialog textarea", "The trust asks every school to block these betting sites");
            await page.ClickAsync(".mud-dialog [data-propose]");
            await page.Locator("[data-pending]").GetByText($"Waiting for approval: Add the feed {feedName}").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-lists-feed-pending", page.Locator("[data-feeds]"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var pending = Assert.Single(await store.ChangeControl.GetPendingAsync(CancellationToken.None), p => p.Change is AddListFeedChange);
        Assert.Equal(ChangeRefusal.SameUser, (await store.ChangeControl.ApproveAsync(a.Id, pending.ChangeId, null, CancellationToken.None)).Refusal);

        var bea = await fixture.NewPageAsync();
        errors.AddRange(Watch(bea));
        try
        {
            await ClassroomFixture.SignInAsync(bea, b.UserName, Password);
            await bea.GotoAsync("/admin/changes", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            var card = bea.Locator($"[data-change='{pending.ChangeId}']");
            await card.WaitForAsync();
            var cardText = await card.InnerTextAsync();
            Assert.Contains($"Add the feed {feedName}", cardText, StringComparison.Ordinal);
            Assert.Contains("Proposed by Alex Technician", cardText, StringComparison.Ordinal);
            await card.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Approve") }).ClickAsync();
            var dialog = bea.GetByRole(AriaRole.Dialog);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Approve and apply" }).ClickAsync();
            await card.WaitForAsync(new() { State = WaitForSelectorState.Detached });

            // A filter that reports list health fetches the approved feed at once: its names are then blocked as Gambling.
            var reportsHealth = false;
            for (var attempt = 0; attempt < 30; attempt++)
            {
                await OpenAsync(bea, "/policy/lists");
                reportsHealth = await bea.Locator("[data-no-health]").CountAsync() == 0;
                if (!reportsHealth || (await bea.Locator($"tr[data-feed='{feedName}']").InnerTextAsync()).Contains("2 names", StringComparison.Ordinal))
                {
                    break;
                }

                await bea.WaitForTimeoutAsync(1000);
            }

            if (reportsHealth)
            {
                Assert.Contains("2 names", await bea.Locator($"tr[data-feed='{feedName}']").InnerTextAsync(), StringComparison.Ordinal);
                var blocked = await Dig.UntilAsync(fixture.Appliance.DnsPort, "feed-" + suffix + ".example.org", PupilAddress, a => a.Contains("0.0.0.0", StringComparison.Ordinal));
                Assert.Contains("EDE: 15 (Blocked)", blocked, StringComparison.Ordinal);
            }

            var row = bea.Locator($"tr[data-feed='{feedName}']");
            await row.WaitForAsync();
            var rowText = await row.InnerTextAsync();
            Assert.Contains("Gambling", rowText, StringComparison.Ordinal);
            Assert.Contains("Added in the console", rowText, StringComparison.Ordinal);
            Assert.Contains($"http://{FeedAddress}:{server.Port}/list.txt", rowText, StringComparison.Ordinal);
            Assert.Equal(1, await row.Locator("[data-remove-feed]").CountAsync());
            Assert.Equal(0, await bea.Locator("[data-pending]").GetByText(feedName).CountAsync());
            await Artefacts.ShootBothAsync(bea, "policy-lists-feed-added", fullPage: true);

            await bea.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await bea.Locator("h1:has-text('Hello')").WaitForAsync();
            await bea.WaitForTimeoutAsync(700);
            await Artefacts.ShootBothAsync(bea, "home-technician-lists");

            Assert.Contains(feedName, (await store.Policy.GetSnapshotAsync(CancellationToken.None)).ListFeeds.Select(f => f.Name));
            Assert.Empty(errors);
        }
        finally
        {
            await bea.Context.CloseAsync();
        }
    }

    private static List<string> Watch(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    private static async Task ChooseAsync(IPage page, string item)
    {
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{item}')");
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        await page.Locator("h1:has-text('Blocklists')").WaitForAsync();
        await page.Locator("[data-feeds]").WaitForAsync();
        await page.WaitForTimeoutAsync(700); // the circuit has connected
    }

    private static async Task<UserAccount> UserAsync(StateStore store, string userName, string name, Role role)
    {
        var (_, user) = await store.Users.CreateUserAsync(userName, name, [role], Password, mustChangePassword: false, CancellationToken.None);
        return user!;
    }

    /// <summary>A list served over HTTP on a loopback address of this test's own, as a trust or provider would publish it.</summary>
    private sealed class FeedServer : IDisposable
    {
        private readonly HttpListener listener;

        private FeedServer(HttpListener listener, int port)
        {
            this.listener = listener;
            Port = port;
        }

        public int Port { get; }

        public static FeedServer Start(string address, string body)
        {
            var port = Ports.FreeTcp();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://{address}:{port}/");
            listener.Start();
            var server = new FeedServer(listener, port);
            _ = Task.Run(async () =>
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(body);
                while (listener.IsListening)
                {
                    try
                    {
                        var context = await listener.GetContextAsync();
                        context.Response.ContentType = "text/plain";
                        await context.Response.OutputStream.WriteAsync(bytes);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }
                }
            });
            return server;
        }

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
        }
    }
}
