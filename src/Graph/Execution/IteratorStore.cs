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
    }

    public void Initialize(string iterator, Dataset dataset)
    {
        var position = _positions.GetOrAdd(iterator, _ => new Position());
        lock (position) Restart(position, dataset);
    }

    public NDArray[] GetNext(string iterator, Dataset dataset, bool oneShot)
    {
        var position = _positions.GetOrAdd(iterator, _ => new Position());
        lock (position)
        {
            if (position.Elements is null && !position.Exhausted)
            {
                if (!oneShot)
                    throw new FailedPreconditionException($"GetNext() failed because the iterator '{iterator}' has not been initialized. Ensure that you have run the initializer operation for this iterator before getting the next element.");
                Restart(position, dataset);
            }
            if (position.Exhausted || !position.Elements!.MoveNext())
            {
                Finish(position);
                throw new OutOfRangeException($"End of sequence (iterator '{iterator}'). Catch OutOfRangeException to end the loop{(oneShot ? "" : ", or run the iterator's Initializer to start again")}.");
            }
            return position.Elements.Current;
        }
    }

    // Stops every iterator's pipeline (a Prefetch's thread with it).
    public void Dispose()
    {
        foreach (var position in _positions.Values)
            lock (position) Finish(position);
    }

    private static void Restart(Position position, Dataset dataset)
    {
        position.Elements?.Dispose();
        position.Elements = dataset.Enumerate(new IteratorRun()).GetEnumerator();
        position.Exhausted = false;
    }

    private static void Finish(Position position)
    {
        position.Elements?.Dispose();
        position.Elements = null;
        position.Exhausted = true;
    }
}
