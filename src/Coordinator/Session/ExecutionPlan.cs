using System.Text;

namespace ActorGraph;

// What a Run would do: the ops on the computation path, in run order, and where each runs. The ops of a Cond's
// or WhileLoop's functions follow their op, once, with their frame (the name of the Cond or loop they run in).
public sealed class ExecutionPlan(IReadOnlyList<string> operations, IReadOnlyDictionary<string, string> placement,
    IReadOnlyDictionary<string, string>? frames = null)
{
    public IReadOnlyList<string> Operations { get; } = operations;
    public IReadOnlyDictionary<string, string> Placement { get; } = placement;
    public IReadOnlyDictionary<string, string> Frames { get; } = frames ?? new Dictionary<string, string>();

    // The graph's hash tables, part by part, as their holders have them now.
    public IReadOnlyList<HashTablePartInfo> HashTables { get; init; } = [];

    public override string ToString()
    {
        int width = Math.Max(9, Operations.Count == 0 ? 0 : Operations.Max(o => o.Length));
        var sb = new StringBuilder();
        string frameHeader = Frames.Count == 0 ? "" : "  frame";
        sb.AppendLine($"{"operation".PadRight(width)}  {"placement",-18}{frameHeader}".TrimEnd());
        sb.AppendLine($"{new string('-', width)}  {new string('-', 16)}{(Frames.Count == 0 ? "" : "    " + new string('-', 5))}");
        foreach (var op in Operations)
            sb.AppendLine($"{op.PadRight(width)}  {Placement.GetValueOrDefault(op, ""),-18}{(Frames.TryGetValue(op, out var frame) ? "  " + frame : "")}".TrimEnd());
        if (HashTables.Count > 0) HashTablePartInfo.AppendTable(sb, HashTables);
        return sb.ToString();
    }
}
