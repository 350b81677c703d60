using System.Text.RegularExpressions;
using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph;

// A partitioned variable is saved as its parts (`name/part_0`, … each an ordinary variable), which together are
// the whole table under its name. Restored into the same parts, they go back as they are; restored into another
// number of parts, the saved parts are put together by name and cut as the graph's parts are.
internal static partial class PartitionedRestore
{
    // The graph's partitioned variables among `variables` whose parts the checkpoint does not hold as they are.
    public static IReadOnlyList<PartitionedVariable> Repartitioned(Graph graph, CheckpointManifest manifest, IReadOnlyList<Variable> variables)
    {
        var saved = manifest.Variables.ToDictionary(v => v.Name, v => new Shape(v.Shape), StringComparer.Ordinal);
        var wholes = new List<PartitionedVariable>();
        foreach (var v in variables)
            if (graph.PartitionOf(v) is var (whole, _) && !wholes.Contains(whole)
                && !whole.All(part => saved.TryGetValue(part.VariableName, out var shape) && shape.Equals(part.Shape))
                && SavedParts(manifest, whole.Name).Count > 0)
                wholes.Add(whole);
        return wholes;
    }

    // The parts as the graph has them, cut from the saved parts of the same name put together in order.
    public static Dictionary<string, NDArray> Cut(CheckpointManifest manifest, PartitionedVariable whole, IReadOnlyDictionary<string, NDArray> values)
    {
        var parts = SavedParts(manifest, whole.Name);
        var pieces = parts.Select(p => values.TryGetValue(p.Name, out var v) ? v
            : throw new DataLossException($"Checkpoint {manifest.Id}: part {p.Name} of {whole.Name} is listed but was not loaded.")).ToArray();
        foreach (var piece in pieces)
        {
            if (piece.DType != whole.DType)
                throw new InvalidArgumentException($"tensor_name = {whole.Name}; expected dtype {whole.DType.KernelName()} does not equal original dtype {piece.DType.KernelName()} (checkpoint {manifest.Id}); nothing was restored.");
            if (piece.Shape.Rank != whole.Shape.Rank || !piece.Shape.ToArray()[1..].SequenceEqual(whole.Shape.ToArray()[1..]))
                throw new InvalidArgumentException($"tensor_name = {whole.Name}; its rows in the graph are {RowShape(whole.Shape)}, but checkpoint {manifest.Id} stores rows of {RowShape(piece.Shape)}; nothing was restored.");
        }
        long rows = pieces.Sum(p => (long)p.Shape[0]);
        if (rows != whole.Shape[0])
            throw new InvalidArgumentException($"tensor_name = {whole.Name}; shape in the graph {whole.Shape.ToBracketString()} does not match the {rows} rows its {pieces.Length} part(s) hold in checkpoint {manifest.Id}; nothing was restored.");
        var all = ArrayRows.Concat(pieces);
        var result = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        for (int i = 0; i < whole.Count; i++)
            result[whole[i].VariableName] = ArrayRows.Slice(all, checked((int)whole.OffsetOf(i)), whole[i].Shape[0]);
        return result;
    }

    // The checkpoint's parts of `name`, by part number.
    private static List<(string Name, int Index)> SavedParts(CheckpointManifest manifest, string name)
    {
        var parts = new List<(string Name, int Index)>();
        foreach (var v in manifest.Variables)
            if (v.Name.StartsWith(name + "/part_", StringComparison.Ordinal) && PartNumber().Match(v.Name[(name.Length + 1)..]) is { Success: true } m)
                parts.Add((v.Name, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        parts.Sort((a, b) => a.Index.CompareTo(b.Index));
        for (int i = 0; i < parts.Count; i++)
            if (parts[i].Index != i)
                throw new DataLossException($"Checkpoint {manifest.Id} holds parts {string.Join(", ", parts.Select(p => p.Index))} of {name}; part {i} is missing, so the table cannot be put together.");
        return parts;
    }

    private static string RowShape(Shape shape) => "[" + string.Join(",", shape.ToArray()[1..]) + "]";

    [GeneratedRegex(@"^part_(\d+)$")]
    private static partial Regex PartNumber();
}
