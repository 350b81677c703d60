namespace ActorGraph;

// The graph's partitioned variables by full name: for reuse in variable scopes, and for a Saver to save each
// under its own name.
public sealed partial class Graph
{
    private readonly NamedWholes<PartitionedVariable> _partitioned = new("Partitioned variable", v => v.Name);

    internal IReadOnlyList<PartitionedVariable> PartitionedVariables => _partitioned.All;

    internal PartitionedVariable? FindPartitionedVariable(string name) => _partitioned.Find(name);

    internal void AddPartitionedVariable(PartitionedVariable variable) => _partitioned.Add(variable);

    // The partitioned variable a part belongs to, and which part it is; null for a variable of its own.
    internal (PartitionedVariable Whole, int Part)? PartitionOf(Variable variable)
    {
        foreach (var whole in _partitioned.All)
            for (int i = 0; i < whole.Count; i++)
                if (ReferenceEquals(whole[i], variable)) return (whole, i);
        return null;
    }
}
