using System.Text;

namespace ActorGraph;

// What a Run would do: the ops on the computation path, in run order, and where each runs.
public sealed class ExecutionPlan(IReadOnlyList<string> operations, IReadOnlyDictionary<string, string> placement)
{
    public IReadOnlyList<string> Operations { get; } = operations;
    public IReadOnlyDictionary<string, string> Placement { get; } = placement;

    public override string ToString()
    {
        int width = Math.Max(9, Operations.Count == 0 ? 0 : Operations.Max(o => o.Length));
        var sb = new StringBuilder();
        sb.AppendLine($"{"operation".PadRight(width)}  placement");
        sb.AppendLine($"{new string('-', width)}  {new string('-', 16)}");
        foreach (var op in Operations)
            sb.AppendLine($"{op.PadRight(width)}  {Placement.GetValueOrDefault(op, "")}");
        return sb.ToString();
    }
}
