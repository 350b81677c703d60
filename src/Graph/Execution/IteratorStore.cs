using System.Collections.Concurrent;

namespace ActorGraph.Execution;

// The position of each dataset iterator a session (or a worker) runs, keyed by the iterator op's name.
public sealed class IteratorStore : IDisposable
{
    private readonly ConcurrentDictionary<string, Position> _positions = new(StringComparer.Ordinal);

    private sealed class Position
    {
        public IEnumerator<NDArray[]>? Elements;
        public bool Exhausted;
        public long Consumed;
        public int Seed;
        // A checkpoint's position, replayed when the iterator next runs (its dataset comes with GetNext).
        public IteratorPosition? Restored;
    }

    public void Initialize(string iterator, Dataset dataset, IteratorShard? shard = null)
    {
        dataset = ForReplica(dataset, shard);
        var position = _positions.GetOrAdd(iterator, _ => new Position());
        lock (position)
        {
            position.Restored = null;
            Restart(position, dataset, Random.Shared.Next());
        }
    }

    public NDArray[] GetNext(string iterator, Dataset dataset, bool oneShot, IteratorShard? shard = null)
    {
        dataset = ForReplica(dataset, shard);
        var position = _positions.GetOrAdd(iterator, _ => new Position());
        lock (position)
        {
            if (position.Restored is { } saved) Replay(position, dataset, saved);
            if (position.Elements is null && !position.Exhausted)
            {
                if (!oneShot)
                    throw new FailedPreconditionException($"GetNext() failed because the iterator '{iterator}' has not been initialized. Ensure that you have run the initializer operation for this iterator before getting the next element.");
                Restart(position, dataset, Random.Shared.Next());
            }
            if (position.Exhausted || !position.Elements!.MoveNext())
            {
                Finish(position);
                throw new OutOfRangeException($"End of sequence (iterator '{iterator}'). Catch OutOfRangeException to end the loop{(oneShot ? "" : ", or run the iterator's Initializer to start again")}.");
            }
            position.Consumed++;
            return position.Elements.Current;
        }
    }

    // Every iterator that has started, where it stands (a restored one not yet replayed, where it was restored to).
    public IteratorPosition[] Positions()
    {
        var result = new List<IteratorPosition>();
        foreach (var (name, position) in _positions)
            lock (position)
            {
                if (position.Restored is { } saved) result.Add(saved);
                else if (position.Elements is not null || position.Exhausted)
                    result.Add(new IteratorPosition(name, position.Consumed, position.Seed, position.Exhausted));
            }
        return [.. result.OrderBy(p => p.Iterator, StringComparer.Ordinal)];
    }

    // A checkpoint's positions replace every iterator's: one it lacks starts again as if never run.
    public void Restore(IReadOnlyList<IteratorPosition> positions)
    {
        var byName = positions.ToDictionary(p => p.Iterator, StringComparer.Ordinal);
        foreach (var name in _positions.Keys.Union(byName.Keys))
        {
            var position = _positions.GetOrAdd(name, _ => new Position());
            lock (position)
            {
                Finish(position);
                position.Exhausted = false;
                position.Restored = byName.GetValueOrDefault(name);
            }
        }
    }

    // Stops every iterator's pipeline (a Prefetch's thread with it).
    public void Dispose()
    {
        foreach (var position in _positions.Values)
            lock (position) Finish(position);
    }

    private static Dataset ForReplica(Dataset dataset, IteratorShard? shard) =>
        shard is { Count: > 1 } s ? dataset.ForReplica(s.Count, s.Index) : dataset;

    private static void Replay(Position position, Dataset dataset, IteratorPosition saved)
    {
        position.Restored = null;
        Restart(position, dataset, saved.Seed);
        for (long i = 0; i < saved.Consumed; i++)
            if (!position.Elements!.MoveNext())
            {
                Finish(position);
                break;
            }
        position.Consumed = saved.Consumed;
        if (saved.Exhausted) Finish(position);
    }

    private static void Restart(Position position, Dataset dataset, int seed)
    {
        position.Elements?.Dispose();
        position.Elements = dataset.Enumerate(new IteratorRun(seed)).GetEnumerator();
        position.Exhausted = false;
        position.Consumed = 0;
        position.Seed = seed;
    }

    private static void Finish(Position position)
    {
        position.Elements?.Dispose();
        position.Elements = null;
        position.Exhausted = true;
    }
}
