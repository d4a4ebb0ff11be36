using ClassroomGuard.Storage.State.Internal;

namespace ClassroomGuard.Storage.State;

/// <summary>
/// The annual review of filtering and monitoring (tables <c>reviews</c>, <c>review_checks</c>, <c>review_actions</c>,
/// <c>review_triggers</c>). Filled in by the annual review work (issue #13).
/// </summary>
public sealed class ReviewRepository
{
    private readonly StateDb db;

    internal ReviewRepository(StateDb db) => this.db = db;
}
