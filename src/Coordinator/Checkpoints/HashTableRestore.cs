using ActorGraph.HashTables;
using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph;

// The graph's hash tables as a checkpoint holds them, re-hashed onto the graph's parts. A table the checkpoint holds
// no rows of (saved before any step reached it) comes back empty, as it was then.
internal static class HashTableRestore
{
    public static IReadOnlyList<HashPartContents> PartsFor(CheckpointManifest manifest, IReadOnlyList<HashEmbedding> tables, IReadOnlyDictionary<string, NDArray> loaded)
    {
        var saved = HashPartEntries.Decode(loaded.Where(e => HashPartEntries.IsEntry(e.Key)), $"Checkpoint {manifest.Id}");
        var result = new List<HashPartContents>();
        foreach (var table in tables)
        {
            HashTableSpec[] specs = [.. table.Select(part => HashTableSpec.Of(part.Op))];
            result.AddRange(saved.TryGetValue(table.Name, out var parts) ? HashPartRehash.Onto(parts, specs, manifest.Id) : specs.Select(Empty));
        }
        return result;
    }

    private static HashPartContents Empty(HashTableSpec spec) =>
        new(spec, 0, [], [], NDArray.Zeros(spec.DType, Shape.Own([0, spec.Dimension])), new Dictionary<string, HashSlotRows>(), new Dictionary<string, NDArray>());
}
