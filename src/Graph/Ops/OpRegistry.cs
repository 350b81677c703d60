namespace ActorGraph.Ops;

// Every op type, registered once by its family file (Elementwise, Reductions, …).
public static class OpRegistry
{
    private static readonly Dictionary<string, OpDef> Defs = Build();

    public static OpDef Get(string type) =>
        Defs.TryGetValue(type, out var def) ? def : throw new ArgumentException($"No op named '{type}' is registered.");

    public static IEnumerable<OpDef> All => Defs.Values;

    private static Dictionary<string, OpDef> Build()
    {
        var defs = new Dictionary<string, OpDef>(StringComparer.Ordinal);
        foreach (var family in OpFamilies.All)
            foreach (var def in family)
                if (!defs.TryAdd(def.Type, def))
                    throw new InvalidOperationException($"Op '{def.Type}' is registered twice.");
        return defs;
    }
}
