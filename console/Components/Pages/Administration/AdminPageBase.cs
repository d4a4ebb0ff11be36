using ClassroomGuard.Console.Administration;
using ClassroomGuard.Console.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ClassroomGuard.Console.Components.Pages.Administration;

/// <summary>
/// What every administration page shares: the signed-in user (from <see cref="CurrentUser"/>, inside the circuit), a
/// token cancelled when the page goes away, results as snackbars, and confirmation before anything destructive.
/// </summary>
public abstract class AdminPageBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource closing = new();

    /// <summary>The signed-in technician or administrator; null when the session has ended.</summary>
    protected ConsoleUser? Actor { get; private set; }

    /// <summary>Cancelled when the page is left.</summary>
    protected CancellationToken Closing => closing.Token;

    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    [Inject] protected IDialogService Dialogs { get; set; } = default!;

    [Inject] private CurrentUser Users { get; set; } = default!;

    public void Dispose()
    {
        closing.Cancel();
        closing.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task OnInitializedAsync()
    {
        Actor = await Users.GetAsync();
        if (Actor is not null)
        {
            await LoadAsync();
        }
    }

    /// <summary>Reads what the page shows.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Tells the person what happened: beside the form field it concerns, else in a snackbar. True when done.</summary>
    protected bool Report(AdminResult result, FormRefusals? form = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded)
        {
            Snackbar.Add(result.Message, Severity.Success);
        }
        else if (form?.Show(result) != true)
        {
            Snackbar.Add(result.Message, Severity.Error);
        }

        return result.Succeeded;
    }

    /// <summary>Asks before a destructive action; true when the person confirmed.</summary>
    protected async Task<bool> ConfirmAsync(string title, string text, string action)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Text, text },
            { d => d.Action, action },
        };
        var dialog = await Dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
