using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// The e-mail outbox (table <c>mail_outbox</c>): a message stays here until the school's SMTP server accepts it, so a
/// failed send is retried and shown, never lost. Filled in by the safeguarding alerts work (issue #13).
/// </summary>
public sealed class MailOutboxRepository
{
    private readonly StateDb db;

    internal MailOutboxRepository(StateDb db) => this.db = db;
}
