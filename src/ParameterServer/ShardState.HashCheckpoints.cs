using ActorGraph.HashTables;

namespace ActorGraph.ParameterServer;

// Hash table parts in snapshots and restores: each part travels as named arrays beside the variables (HashPartEntries),
// so the snapshot's chunks, checksums and recovery carry it as they carry a variable.
public sealed partial class ShardState
{
    // Copies of every part's arrays, by name.
    public IEnumerable<KeyValuePair<string, NDArray>> HashTableEntries() =>
        _hashTables.Values.OrderBy(p => p.Spec.PartName, StringComparer.Ordinal).SelectMany(p => HashPartEntries.Encode(p.Contents()));

    // The variables and the hash table parts' arrays: what a snapshot of this state holds.
    public Dictionary<string, NDArray> Contents()
    {
        var all = new Dictionary<string, NDArray>(_variables, StringComparer.Ordinal);
        foreach (var (name, value) in HashTableEntries()) all[name] = value;
        return all;
    }

    // Takes the hash table entries out of `variables` and puts their parts in place of the ones held.
    private static Dictionary<string, NDArray> WithoutHashEntries(IReadOnlyDictionary<string, NDArray> variables, Dictionary<string, HashTablePart> into, string where)
    {
        var plain = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        List<KeyValuePair<string, NDArray>>? hash = null;
        foreach (var entry in variables)
            if (HashPartEntries.IsEntry(entry.Key)) (hash ??= []).Add(entry);
            else plain.Add(entry.Key, entry.Value);
        if (hash is not null)
            foreach (var part in HashPartEntries.Decode(hash, where).Values.SelectMany(parts => parts))
                into[part.Spec.PartName] = HashTablePart.FromContents(part);
        return plain;
    }
}
