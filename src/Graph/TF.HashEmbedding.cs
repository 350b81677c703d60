using ActorGraph.HashTables;

namespace ActorGraph;

// Hash-keyed embedding tables: ids of unbounded range, rows created on first lookup, optional eviction.
public static partial class TF
{
    // A table of `dimension`-wide rows keyed by any int64 id, split into `parts` parts by the ids' hash. Without an
    // initializer a row starts as TensorFlow's embedding_column does: a truncated normal of stddev 1/sqrt(dimension).
    // evictAfterSteps = N > 0 drops a row that none of the last N steps reaching its part looked up or updated.
    public static HashEmbedding GetHashEmbedding(string name, int dimension, int parts = 1, Initializer? initializer = null,
        long evictAfterSteps = 0, bool trainable = true, DType dtype = DType.Float32)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var g = G;
        var scope = g.CurrentVariableScope;
        string fullName = scope.FullName(name);
        Graph.CheckOpName(fullName);
        if (g.FindHashEmbedding(fullName) is { } existing)
        {
            if (scope.Reuse == VariableReuse.Inherit)
                throw new ArgumentException($"Hash embedding {fullName} already exists, disallowed. Did you mean to set reuse=True in VarScope? (TF.VariableScope(..., VariableReuse.Reuse) returns the existing one; or pick another name.)");
            if (existing.Dimension != dimension || existing.DType != dtype)
                throw new ArgumentException($"Trying to reuse hash embedding {fullName}, but specified dimension {dimension} of {dtype.PythonName()} and found {existing.Dimension} of {existing.DType.PythonName()}.");
            return existing;
        }
        if (scope.Reuse == VariableReuse.Reuse)
            throw new ArgumentException($"Hash embedding {fullName} does not exist, or was not created with TF.GetHashEmbedding().");
        if (dimension < 1) throw new ArgumentException($"Hash embedding {fullName}: dimension must be at least 1, got {dimension}.", nameof(dimension));
        if (parts < 1) throw new ArgumentException($"Hash embedding {fullName}: parts must be at least 1, got {parts}; give as many as there are parameter servers to spread it over all of them.", nameof(parts));
        if (evictAfterSteps < 0) throw new ArgumentException($"Hash embedding {fullName}: evictAfterSteps must be 0 (never evict) or a number of steps, got {evictAfterSteps}.", nameof(evictAfterSteps));
        if (dtype is not (DType.Float32 or DType.Float64)) throw new ArgumentException($"Hash embedding {fullName}: rows must be float32 or float64, got {dtype.PythonName()}.", nameof(dtype));
        if (g.FindVariable(fullName) is not null || g.FindPartitionedVariable(fullName) is not null)
            throw new ArgumentException($"Hash embedding {fullName}: a variable of that name already exists; pick another name.");
        long defaultSeed = IdHash.SeedOf(fullName);
        var rows = (initializer ?? scope.Initializer) is { } chosen
            ? chosen.RowsById(defaultSeed) ?? throw new ArgumentException($"Hash embedding {fullName}: {chosen.GetType().Name} depends on the table's size, which a hash table does not have; use a constant, uniform or normal initializer.", nameof(initializer))
            : new HashRowInit(HashRowDistribution.TruncatedNormal, 0, 1 / Math.Sqrt(dimension), defaultSeed);
        var tensors = new Tensor[parts];
        using (g.OutsideFunctions())
        using (g.ControlDependencyScope(null))
            for (int p = 0; p < parts; p++)
                tensors[p] = g.AddOperation("HashTable", [], new Dictionary<string, object>
                {
                    ["table"] = fullName, ["part"] = p, ["parts"] = parts, ["dim"] = dimension, ["dtype"] = dtype, ["init"] = (int)rows.Distribution,
                    ["init_a"] = rows.A, ["init_b"] = rows.B, ["seed"] = rows.Seed, ["evict_after_steps"] = evictAfterSteps, ["trainable"] = trainable,
                }, $"{fullName}/part_{p}", creation: OpCreation.ExactName).Outputs[0];
        var table = new HashEmbedding(fullName, dimension, dtype, evictAfterSteps, trainable, tensors);
        g.AddHashEmbedding(table);
        return table;
    }

    // The rows of `ids` (any int64 values), shape ids.shape + [dimension]; each part is asked only for its own ids,
    // once per unique id, and rows not seen before are created.
    public static Tensor EmbeddingLookup(HashEmbedding table, Tensor ids, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        if (!ids.DType.IsInteger())
            throw new ArgumentException($"EmbeddingLookup: ids '{ids.Name}' must be int32 or int64, got {ids.DType.PythonName()}.", nameof(ids));
        if (table.Graph != G)
            throw new ArgumentException($"EmbeddingLookup: hash embedding {table.Name} belongs to another graph than the default one.");
        using (G.NameScope(name ?? "embedding_lookup"))
        {
            var route = G.AddShared($"HashPartition|{ids.Name}|{table.Count}",
                () => G.AddOperation("HashPartition", [ids], new Dictionary<string, object> { ["parts"] = table.Count }, "partition")).Outputs;
            var rows = new Tensor[table.Count];
            for (int p = 0; p < table.Count; p++) rows[p] = Op("HashLookup", [table[p], route[p]]);
            return G.AddOperation("EmbeddingStitch", [ids, .. route.Skip(table.Count), .. rows],
                new Dictionary<string, object> { ["N"] = table.Count }, "stitch").Outputs[0];
        }
    }
}
