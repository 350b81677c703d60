namespace ActorGraph;

// Data-parallel training (SessionOptions.DataParallel): every step whose feeds have a batch runs as
// Replicas copies of the whole step, one per worker, each on a contiguous slice of the batch (feeds
// split along axis 0; a feed of another first dimension, or a scalar, goes whole to every replica).
// Fetches come back whole: per-example values put back in order, scalars averaged by slice size
// (a loss that is a batch mean stays the batch mean; a sum or a count becomes a mean per example's share).
// A step that reads a dataset is replicated too, with nothing to split: each replica's iterator reads its own
// share of the elements (element i to replica i mod Replicas), and the replicas weigh the same.
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

    // Async only: an update may be computed from variable values at most this many updates old (bounded
    // staleness). A step's K replicas read together, so its own last update is K-1 updates stale; further
    // steps of the session start only while every update in flight stays within the bound, and wait
    // otherwise. Null: no bound (concurrent Runs all start at once). Other sessions' steps are not counted.
    public int? MaxStaleness { get; init; }

    internal void Validate()
    {
        if (Replicas < 0) throw new ArgumentException($"DataParallelism.Replicas is {Replicas}; give 0 (every worker) or a number of workers.");
        if (MaxStaleness is { } s && s < 0) throw new ArgumentException($"DataParallelism.MaxStaleness is {s}; give 0 or more updates, or null.");
        if (MaxStaleness is not null && Synchronous)
            throw new ArgumentException("DataParallelism.MaxStaleness bounds asynchronous training; a synchronous step applies one averaged update. Set Synchronous = false, or leave MaxStaleness null.");
        if (BackupAfter is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"DataParallelism.BackupAfter is {t}; give a positive time, or null.");
    }
}
