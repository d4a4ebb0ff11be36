using ClassroomGuard.Console.Administration;
using Microsoft.AspNetCore.Components.Forms;

namespace ClassroomGuard.Console.Components.Pages.Administration;

/// <summary>
/// Shows a refusal from the server (a name already taken, the last administrator) next to the form field it concerns,
/// like a validation message; cleared when that field changes or the form is validated again.
/// </summary>
public sealed class FormRefusals
{
    private readonly EditContext context;
    private readonly ValidationMessageStore messages;

    public FormRefusals(EditContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.context = context;
        messages = new ValidationMessageStore(context);
        context.OnFieldChanged += (_, e) => messages.Clear(e.FieldIdentifier);
        context.OnValidationRequested += (_, _) => messages.Clear();
    }

    /// <summary>Shows <paramref name="result"/> against its field; false when it names none (show it another way).</summary>
    public bool Show(AdminResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded || result.Field is null)
        {
            return false;
        }

        messages.Clear();
        messages.Add(context.Field(result.Field), result.Message);
        context.NotifyValidationStateChanged();
        return true;
    }
}
