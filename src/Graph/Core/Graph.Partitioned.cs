namespace ActorGraph;

// The graph's partitioned variables by full name: for reuse in variable scopes, and for a Saver to save each
// under its own name.
public sealed partial class Graph
{
    private readonly Dictionary<string, PartitionedVariable> _partitioned = new(StringComparer.Ordinal);

    internal IReadOnlyList<PartitionedVariable> PartitionedVariables
    {
        get { lock (_lock) return _partitioned.Values.ToArray(); }
    }

    internal PartitionedVariable? FindPartitionedVariable(string name)
    {
        lock (_lock) return _partitioned.GetValueOrDefault(name);
    }

    internal void AddPartitionedVariable(PartitionedVariable variable)
    {
        lock (_lock)
        {
            if (!_partitioned.TryAdd(variable.Name, variable))
                throw new ArgumentException($"Partitioned variable {variable.Name} already exists.");
        }
    }

    // The partitioned variable a part belongs to, and which part it is; null for a variable of its own.
    internal (PartitionedVariable Whole, int Part)? PartitionOf(Variable variable)
    {
        lock (_lock)
            foreach (var whole in _partitioned.Values)
                for (int i = 0; i < whole.Count; i++)
                    if (ReferenceEquals(whole[i], variable)) return (whole, i);
        return null;
    }
}
