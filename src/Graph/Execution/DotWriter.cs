using System.Text;
using ActorGraph.Ops;

namespace ActorGraph.Execution;

// Graphviz DOT text of a graph, drawn as the seed's figures: one box per op, data edges solid,
// reference edges (a variable to its Assign: the "non-dependent edge") and control edges dashed,
// side-effect ops green, and — given fetches — their computation path bold, the rest grey.
internal static class DotWriter
{
    private const string PathFill = "#cfe2f3";
    private const string SideEffectFill = "#93c47d";
    private const string SideEffectFillOffPath = "#e2f0d9";
    private const string FedFill = "#fff2cc";
    private const string Grey = "gray60";

    // taken: for a Cond whose predicate a run has computed, the branch it took (true: then), drawn bold.
    public static string Write(Graph graph, IReadOnlyList<Fetch>? highlight, IEnumerable<Tensor>? feeds,
        IReadOnlyDictionary<Operation, bool>? taken = null)
    {
        var fed = new HashSet<Tensor>(feeds ?? [], ReferenceEqualityComparer<Tensor>.Instance);
        foreach (var op in (highlight ?? []).Select(f => f.Operation).Concat(fed.Select(t => t.Op)))
            if (op.Graph != graph) throw new ArgumentException($"ToDot: '{op.Name}' belongs to another graph.");
        var fetched = new HashSet<Operation>((highlight ?? []).Select(f => f.Operation));
        HashSet<Operation>? path = highlight is null ? null : Pruning.ComputationPath(Pruning.Roots(highlight, fed), fed);
        var functions = new FunctionClusters(graph);
        if (path is not null) functions.ExtendPath(path, taken);
        var sb = new StringBuilder();
        sb.AppendLine("digraph G {");
        sb.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"white\", fontname=\"Helvetica\"];");
        sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=10];");
        var ops = graph.Operations;
        foreach (var op in ops)
            if (!functions.IsOwned(op))
                functions.Write(sb, op, "  ", path, (o, indent) => WriteNode(sb, o, path, fed, fetched.Contains(o), indent));
        foreach (var op in ops) WriteEdges(sb, op, path, fed);
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, Operation op, HashSet<Operation>? path, HashSet<Tensor> fed, bool fetched, string indent)
    {
        bool sideEffect = (op.Def.Traits & (OpTraits.WritesVariable | OpTraits.Stateful | OpTraits.Print)) != 0;
        bool onPath = path is null || path.Contains(op);
        bool isFed = op.Outputs.Any(fed.Contains);
        var label = $"{op.Name}\n{op.Type}" + (isFed ? "\nfed" : "");
        var attrs = new List<string> { $"label={Quote(label)}" };
        if (op.Def.IsVariable) attrs.Add("shape=cylinder");
        string? fill = sideEffect ? (onPath ? SideEffectFill : SideEffectFillOffPath)
            : isFed ? FedFill
            : path is not null && onPath ? PathFill
            : null;
        if (fill is not null) attrs.Add($"fillcolor={Quote(fill)}");
        if (path is not null)
            attrs.Add(onPath ? "penwidth=2" : $"color={Quote(Grey)}, fontcolor={Quote(Grey)}");
        if (fetched) attrs.Add("peripheries=2");
        sb.AppendLine($"{indent}{Quote(op.Name)} [{string.Join(", ", attrs)}];");
    }

    // An edge is on the path when its consumer runs and computation flows through it: data and
    // control inputs, not reference inputs, and nothing past a fed tensor (which its feed replaces).
    private static void WriteEdges(StringBuilder sb, Operation op, HashSet<Operation>? path, HashSet<Tensor> fed)
    {
        bool consumerOnPath = path is null || path.Contains(op);
        var inputs = op.InputArray;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            var attrs = new List<string>();
            bool reference = i < op.Def.RefInputs;
            if (reference) attrs.Add("style=dashed, dir=none, label=\"ref\"");
            else attrs.Add($"label={Quote((fed.Contains(t) ? "fed " : "") + $"{(t.ValueIndex > 0 ? $":{t.ValueIndex} " : "")}{t.DType.PythonName()} {t.Shape}")}");
            AddPathStyle(attrs, path, consumerOnPath && !reference);
            sb.AppendLine($"  {Quote(t.Op.Name)} -> {Quote(op.Name)} [{string.Join(", ", attrs)}];");
        }
        foreach (var c in op.ControlInputArray)
        {
            var attrs = new List<string> { "style=dashed, arrowhead=onormal" };
            AddPathStyle(attrs, path, consumerOnPath && !Pruning.IsFedPlaceholder(c, fed));
            sb.AppendLine($"  {Quote(c.Name)} -> {Quote(op.Name)} [{string.Join(", ", attrs)}];");
        }
    }

    private static void AddPathStyle(List<string> attrs, HashSet<Operation>? path, bool onPath)
    {
        if (path is null) return;
        attrs.Add(onPath ? "penwidth=2" : $"color={Quote(Grey)}, fontcolor={Quote(Grey)}");
    }

    // A DOT double-quoted string: quotes and backslashes escaped, line breaks as \n.
    internal static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "").Replace("\n", "\\n") + "\"";
}
