namespace ActorGraph.HashTables;

// An optimizer's slot names in a hash table part, made unique as a dense variable's slots are (`Momentum`, then
// `Momentum_1` for a second optimizer of the kind), so that two optimizers training one table keep slots of their own.
internal static class HashSlotNames
{
    public static string[] For(Tensor part, IEnumerable<string> wanted)
    {
        var taken = part.Graph.Operations
            .Where(o => o.Type == "HashSparseApply" && o.Inputs[0].Op == part.Op)
            .SelectMany(o => o.Attr<string>("slot_names").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var name in wanted)
        {
            string unique = name;
            for (int i = 1; taken.Contains(unique); i++) unique = $"{name}_{i}";
            taken.Add(unique);
            names.Add(unique);
        }
        return [.. names];
    }
}
