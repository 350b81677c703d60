namespace ActorGraph;

// Data-parallel training (SessionOptions.DataParallel): every step whose feeds have a batch runs as
// Replicas copies of the whole step, one per worker, each on a contiguous slice of the batch (feeds
// split along axis 0; a feed of another first dimension, or a scalar, goes whole to every replica).
// Fetches come back whole: per-example values put back in order, scalars averaged by slice size
// (a loss that is a batch mean stays the batch mean; a sum or a count becomes a mean per example's share).
public sealed record DataParallelism
{
    // How many workers share a step; 0 = every worker serving when the step starts.
    public int Replicas { get; init; }

    // Sync: each parameter server averages the replicas' gradients (weighted by slice size) and applies
    // them once, as the one-worker full-batch step would. Async: each replica's update applies on arrival.
    public bool Synchronous { get; init; } = true;

    // Backup workers: a replica slower than this is left out of its step (sync: the others' average
    // applies), and the session warns which one. Null: every replica is waited for.
    public TimeSpan? BackupAfter { get; init; }

    internal void Validate()
    {
        if (Replicas < 0) throw new ArgumentException($"DataParallelism.Replicas is {Replicas}; give 0 (every worker) or a number of workers.");
        if (BackupAfter is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"DataParallelism.BackupAfter is {t}; give a positive time, or null.");
    }
}
