using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Components.Pages.Administration;
using ClassroomGuard.Console.Policy;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ClassroomGuard.Console.Components.Pages.Policy;

/// <summary>
/// What the policy editor pages share: a prepared proposal (or the reason it cannot be one, shown beside its field)
/// goes through <see cref="ProposeDialog"/> for its mandatory reason, and the page reloads to show it as pending.
/// </summary>
public abstract class PolicyPageBase : AdminPageBase
{
    [Inject] private PolicyEditor Editor { get; set; } = default!;

    /// <summary>The editor service.</summary>
    private protected PolicyEditor Policy => Editor;

    /// <summary>
    /// Asks for the reason and proposes <paramref name="prepared"/>; a refusal appears beside its field in
    /// <paramref name="form"/> when it concerns one, else in a snackbar. True when proposed.
    /// </summary>
    private protected async Task<bool> ProposeAsync(Prepared prepared, FormRefusals? form = null, string title = "Propose a change")
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Proposal is not { } proposal)
        {
            Report(prepared.Problem!, form);
            return false;
        }

        var parameters = new DialogParameters<ProposeDialog>
        {
            { d => d.Summary, proposal.Summary },
            { d => d.Propose, (reason, token) => Editor.ProposeAsync(proposal, reason, token) },
        };
        var dialog = await Dialogs.ShowAsync<ProposeDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: AdminResult result })
        {
            return false;
        }

        var done = Report(result, form);
        await LoadAsync();
        StateHasChanged();
        return done;
    }
}
