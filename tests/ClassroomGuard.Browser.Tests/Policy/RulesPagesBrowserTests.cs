using ClassroomGuard.Browser.Tests.Support;
using ClassroomGuard.Storage.State;
using Microsoft.Playwright;

namespace ClassroomGuard.Browser.Tests.Policy;

/// <summary>
/// "Who is in which group" and the allow and deny lists in Chromium against the real console and DNS filter: technician
/// A maps an IP range to Key Stage 3 and blocks a domain for it (a pasted web address, normalised), each refused first
/// for a bad value beside its field; technician B approves; dig through the filter from a pupil's address is blocked and
/// from a staff address is not; the address tester says which rule decided. Screenshots at both sizes on the way.
/// </summary>
[Collection(ClassroomCollection.Name)]
public sealed class RulesPagesBrowserTests(ClassroomFixture fixture)
{
    private const string Password = "kettle umbrella marmalade";
    private const string PupilAddress = "127.0.0.61";
    private const string StaffAddress = "127.0.0.66";
    private const string Domain = "www.nationalgeographic.com";

    [Fact]
    public async Task TechnicianAProposes_TechnicianBApproves_PupilBlockedStaffNot_TesterExplains()
    {
        var store = fixture.Appliance.Store;
        var ct = CancellationToken.None;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var a = await UserAsync(store, "rules.a." + suffix, "Alex Technician", Role.Technician);
        var b = await UserAsync(store, "rules.b." + suffix, "Bea Technician", Role.Technician);
        var staffIp = await store.ChangeControl.ProposeAsync(a.Id, new SetClientMappingChange(ClientMappingKind.Ip, StaffAddress, "staff"), "Staff room PC", ct);
        Assert.True(staffIp.Succeeded, staffIp.Detail);
        Assert.True((await store.ChangeControl.ApproveAsync(b.Id, staffIp.Entry!.ChangeId, null, ct)).Succeeded);
        Assert.Contains("192.0.2.", await Dig.QueryAsync(fixture.Appliance.DnsPort, Domain, PupilAddress), StringComparison.Ordinal);

        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await ClassroomFixture.SignInAsync(page, a.UserName, Password);
            await OpenAsync(page, "/policy/membership", "Who is in which group");
            Assert.Contains("Else the default group, now Guests and BYOD.", await page.Locator("[data-precedence]").InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-membership");

            // A subnet with host bits set is refused beside its field, saying which subnet was meant.
            await page.FillAsync("input[data-field=value]", "127.0.0.61/30");
            await page.FillAsync("input[data-field=reason]", "Year 9 trolley");
            await page.ClickAsync("[data-propose=mapping]");
            await page.GetByText("127.0.0.61/30 has host bits set: the subnet that holds 127.0.0.61 is 127.0.0.60/30").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-membership-refused", page.Locator("[data-propose=mapping]"));

            // An IP range becomes its subnets: 127.0.0.60 to 127.0.0.63 is one, 127.0.0.60/30.
            await page.ClickAsync(".mud-tab:has-text('IP range')");
            await page.FillAsync("input[data-field=from]", "127.0.0.63");
            await page.FillAsync("input[data-field=to]", "127.0.0.60");
            await page.FillAsync("input[data-field=range-reason]", "Year 9 trolley");
            await page.ClickAsync("[data-propose=range]");
            await page.GetByText("The range ends (127.0.0.60) before it starts (127.0.0.63)").WaitForAsync();
            await page.FillAsync("input[data-field=from]", "127.0.0.60");
            await page.FillAsync("input[data-field=to]", "127.0.0.63");
            await page.GetByText("That is the subnet 127.0.0.60/30.").WaitForAsync();
            await page.ClickAsync("[data-field=range-group]");
            await ChooseAsync(page, "Key Stage 3");
            await page.ClickAsync("[data-propose=range]");
            await page.Locator("[data-pending]").GetByText("Filter the subnet 127.0.0.60/30 as the group Pupils: Key Stage 3").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-membership-pending", page.Locator("[data-pending]"));

            await OpenAsync(page, "/policy/domains", "Allow and deny lists");
            await Artefacts.ShootBothAsync(page, "policy-domains-empty");
            await page.FillAsync("input[data-field=domain]", "national geographic");
            await page.ClickAsync("[data-propose]");
            await page.GetByText("A domain name has no spaces").WaitForAsync();
            await page.GetByText("Choose every group or one group.").WaitForAsync(); // "For" has no default: never the whole school by mistake
            await Artefacts.ShootBothAsync(page, "policy-domains-refused");
            await page.FillAsync("input[data-field=domain]", $"https://{Domain}/animals?page=2");
            await page.GetByText($"Will be proposed as {Domain}.").WaitForAsync();
            await page.ClickAsync("[data-field=effect] .mud-radio:has-text('Always block')");
            await page.ClickAsync("[data-field=group]");
            await ChooseAsync(page, "Key Stage 3");
            await page.FillAsync("input[data-field=reason]", "Distracting in Year 9 lessons");
            await page.ClickAsync("[data-propose]");
            await page.Locator("[data-pending]").GetByText($"Always block {Domain} for the group Pupils: Key Stage 3").WaitForAsync();
            await page.Locator("[data-done]").GetByText("Proposed: waiting for a second technician or administrator").WaitForAsync();
            Assert.Contains("1 change is waiting for approval above", await page.Locator("[data-empty]").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(1, await page.Locator("[data-pending] button[data-withdraw]").CountAsync()); // the proposer's own change
            await Artefacts.ShootBothAsync(page, "policy-domains-waiting");

            // Technician A cannot approve their own change; technician B approves both.
            var pending = (await store.ChangeControl.GetPendingAsync(ct)).Where(p => p.ProposerId == a.Id).ToList();
            Assert.Equal(2, pending.Count);
            Assert.Equal(ChangeRefusal.SameUser, (await store.ChangeControl.ApproveAsync(a.Id, pending[0].ChangeId, null, ct)).Refusal);
            foreach (var change in pending)
            {
                Assert.True((await store.ChangeControl.ApproveAsync(b.Id, change.ChangeId, "Agreed", ct)).Succeeded);
            }

            var blocked = await Dig.UntilAsync(fixture.Appliance.DnsPort, Domain, PupilAddress, answer => answer.Contains("EDE: 15 (Blocked)", StringComparison.Ordinal));
            Assert.Contains("deny entry", blocked, StringComparison.Ordinal);
            Assert.Contains("192.0.2.", await Dig.QueryAsync(fixture.Appliance.DnsPort, Domain, StaffAddress), StringComparison.Ordinal);

            await page.ReloadAsync();
            await page.Locator("h1").GetByText("Allow and deny lists").WaitForAsync();
            var row = page.Locator("tr", new() { HasText = Domain });
            await row.GetByText("Distracting in Year 9 lessons").WaitForAsync();
            Assert.Contains("approved by Bea Technician", await row.InnerTextAsync(), StringComparison.Ordinal);
            await Artefacts.ShootBothAsync(page, "policy-domains", row);

            await OpenAsync(page, "/policy/membership", "Who is in which group");
            await page.FillAsync("input[data-field=test-ip]", PupilAddress);
            await page.ClickAsync("[data-test-address]");
            var answer = page.Locator("[data-answer]");
            await answer.GetByText("Rule 4: 127.0.0.61 is in the subnet 127.0.0.60/30, mapped to Pupils: Key Stage 3.").WaitForAsync();
            await Artefacts.ShootBothAsync(page, "policy-membership-tester", answer);

            // Changing a mapping's group asks for the group and the reason in the shared proposal dialog.
            await page.ClickAsync("button[aria-label='Change the group of 127.0.0.60/30']");
            await page.Locator(".mud-dialog [data-summary]").GetByText("Change the group of the subnet 127.0.0.60/30 (now Pupils: Key Stage 3)").WaitForAsync();
            await page.WaitForTimeoutAsync(400); // the dialog's opening animation
            await Artefacts.ShootBothAsync(page, "policy-membership-change-dialog");
            await page.ClickAsync(".mud-dialog button:has-text('Cancel')");
            Assert.Empty(errors);
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artefacts.Screenshot("policy-rules-failure.png"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    // Picks an item of the open select list and waits for the list to close (its overlay would take the next click).
    private static async Task ChooseAsync(IPage page, string item)
    {
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{item}')");
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    private static async Task OpenAsync(IPage page, string path, string heading)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Equal(200, response!.Status);
        Assert.Equal(heading, (await page.Locator("h1").First.InnerTextAsync()).Trim());
        await page.WaitForTimeoutAsync(700); // the circuit has connected and the grids have loaded their first page
    }

    private static async Task<UserAccount> UserAsync(StateStore store, string userName, string name, Role role)
    {
        var (_, user) = await store.Users.CreateUserAsync(userName, name, [role], Password, mustChangePassword: false, CancellationToken.None);
        return user!;
    }
}
