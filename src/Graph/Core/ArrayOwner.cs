using ActorGraph.Ops;

namespace ActorGraph;

// Who may still write an array after handing it out, and so what whoever keeps it must do first. Each kind's
// rule is written here once: a holder asks the array for the value to keep (NDArray.ToKeep) and never needs to
// know which kind it was.
internal abstract class ArrayOwner
{
    // Nobody writes the array again: it is kept as it is.
    public static ArrayOwner None { get; } = new Free();

    // The array to keep beyond the owner's next write: the array itself, given up by its owner, or a copy.
    public abstract NDArray ToKeep(NDArray value);

    private sealed class Free : ArrayOwner
    {
        public override NDArray ToKeep(NDArray value) => value;
    }
}

// An output buffer its kernel writes again next step: whoever keeps it takes it from the kernel (which then
// allocates anew), unless it only borrows it while the plan instance stays out of use (a worker's lent sends).
internal sealed class KernelBuffer(KernelContext kernel) : ArrayOwner
{
    public override NDArray ToKeep(NDArray value)
    {
        if (ReferenceEquals(value.Owner, this))
        {
            kernel.Release(value);
            value.OwnedBy(None);
        }
        return value;
    }
}

// A variable's state, updated in place by a store that locks this mark: whoever keeps it keeps a copy made under
// the lock, so it never sees half an update nor any later one.
internal sealed class VariableStorage : ArrayOwner
{
    // For stores whose updates never run beside a snapshot of them (one actor's variables).
    public static readonly VariableStorage Instance = new();

    public override NDArray ToKeep(NDArray value)
    {
        lock (this) return value.Copy();
    }
}

// A buffer a pool lent out (the tensor channel's receive buffers), to come back when its holder is done with it.
// Whoever keeps it beyond that takes it from the pool; only an array still the pool's goes back (TakeBack).
internal sealed class PooledBuffer : ArrayOwner
{
    public override NDArray ToKeep(NDArray value)
    {
        if (ReferenceEquals(value.Owner, this)) value.OwnedBy(None);
        return value;
    }

    // Whether the array was this pool's: it is then free, for the pool to hand out again.
    public bool TakeBack(NDArray value)
    {
        if (!ReferenceEquals(value.Owner, this)) return false;
        value.OwnedBy(None);
        return true;
    }
}
