namespace ActorGraph.ParameterServer;

// Batches applied but not yet journaled (journal durability), by their last event: acknowledged once the journal has
// that event, or told why not if the journal fails it.
internal sealed class JournalWaits<TReader>
{
    private readonly Dictionary<object, ((TReader To, UpdatesApplied Reply)[] Replies, long StepId)> _waiting = new(ReferenceEqualityComparer.Instance);

    public int Count => _waiting.Count;

    public void Await(object lastEvent, (TReader To, UpdatesApplied Reply)[] replies, long stepId) => _waiting[lastEvent] = (replies, stepId);

    // The replies to send now that the journal has `written`; none unless it ends a batch.
    public (TReader To, UpdatesApplied Reply)[] Journaled(object written) =>
        _waiting.Remove(written, out var waiting) ? waiting.Replies : [];

    // The batches the journal will never have (all of them, or the one ending with a rejected event): each with
    // whom to tell.
    public List<((TReader To, UpdatesApplied Reply)[] Replies, long StepId)> Fail(object? lastEvent = null)
    {
        var failed = new List<((TReader To, UpdatesApplied Reply)[] Replies, long StepId)>();
        foreach (var e in _waiting.Keys.Where(e => lastEvent is null || ReferenceEquals(e, lastEvent)).ToList())
            if (_waiting.Remove(e, out var waiting)) failed.Add(waiting);
        return failed;
    }
}
