namespace ActorGraph;

// Things a graph keeps by full name that are made of several ops (partitioned variables, hash tables): found again
// for reuse in variable scopes, listed for Explain and a Saver. Thread-safe, as the graph is.
internal sealed class NamedWholes<T>(string what, Func<T, string> nameOf) where T : class
{
    private readonly Dictionary<string, T> _byName = new(StringComparer.Ordinal);

    public T[] All
    {
        get { lock (_byName) return [.. _byName.Values]; }
    }

    public T? Find(string name)
    {
        lock (_byName) return _byName.GetValueOrDefault(name);
    }

    public void Add(T whole)
    {
        lock (_byName)
        {
            if (!_byName.TryAdd(nameOf(whole), whole)) throw new ArgumentException($"{what} {nameOf(whole)} already exists.");
        }
    }
}
